import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadContractDirectory } from '../catalog/contract-file';
import { exportDashboards } from '../dashboards/export';

// npm run dashboards:export -- --out grafana/dashboards [--contracts config/contracts]: writes the provider's dashboards of
// the contract files as Grafana provisioning files (one <uid>.json each), and removes exported files of dashboards no longer made.
const { values } = parseArgs({ options: { out: { type: 'string' }, contracts: { type: 'string', default: process.env.CONTRACTS_DIR ?? 'config/contracts' } } });
if (!values.out) {
  process.stderr.write('dashboards:export: --out DIR is required (e.g. npm run dashboards:export -- --out grafana/dashboards)\n');
  process.exit(2);
}
const files = exportDashboards(loadContractDirectory(values.contracts).map((f) => f.spec));
mkdirSync(values.out, { recursive: true });
const made = new Set(files.map((f) => f.name));
const stale = readdirSync(values.out).filter((name) => /^xla-.*\.json$/.test(name) && !made.has(name));
for (const name of stale) rmSync(join(values.out, name));
for (const file of files) writeFileSync(join(values.out, file.name), file.json);
process.stdout.write(`${JSON.stringify({ out: values.out, written: files.map((f) => f.name), removed: stale })}\n`);
