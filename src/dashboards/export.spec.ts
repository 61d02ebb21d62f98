import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dashboard, Panel } from '@grafana/grafana-foundation-sdk/dashboard';
import { parse } from 'yaml';
import { loadContractDirectory } from '../catalog/contract-file';
import { DATASOURCE_UID } from './dashboards';
import { exportDashboards } from './export';

const ROOT = join(__dirname, '..', '..');
const specs = () => loadContractDirectory(join(ROOT, 'config', 'contracts'), ROOT).map((f) => f.spec);

describe(exportDashboards.name, () => {
  const files = exportDashboards(specs());
  const dashboards = files.map((f) => JSON.parse(f.json) as Dashboard);

  it('gives the same bytes for the same contracts, and the committed files are that export', () => {
    expect(exportDashboards(specs())).toEqual(files);
    const committed = readdirSync(join(ROOT, 'grafana', 'dashboards')).filter((n) => n.endsWith('.json')).sort();
    expect(committed).toEqual(files.map((f) => f.name));
    for (const file of files) expect(readFileSync(join(ROOT, 'grafana', 'dashboards', file.name), 'utf8')).toBe(file.json);
  });

  it('makes each contract three dashboards and data health, with unique uids of at most 40 characters', () => {
    expect(files.map((f) => f.name)).toEqual(['xla-contract-aurora-fm-2026.json', 'xla-data-health.json', 'xla-feedback-aurora-fm-2026.json', 'xla-site-aurora-fm-2026.json']);
    for (const d of dashboards) expect(d.uid!.length).toBeLessThanOrEqual(40);
    expect(new Set(dashboards.map((d) => d.uid)).size).toBe(dashboards.length);
  });

  it('gives every panel a unique id, a place on the grid and a query of the provisioned data source', () => {
    const provisioned = parse(readFileSync(join(ROOT, 'grafana', 'provisioning', 'datasources', 'xla-monitor.yaml'), 'utf8')) as { datasources: Array<{ uid: string }> };
    const uids = new Set(provisioned.datasources.map((d) => d.uid));
    expect(uids.has(DATASOURCE_UID)).toBe(true);
    for (const d of dashboards) {
      const panels = d.panels as Panel[];
      expect(panels.length).toBeGreaterThan(0);
      expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
      for (const panel of panels) {
        expect(panel.gridPos).toEqual({ x: expect.any(Number), y: expect.any(Number), w: expect.any(Number), h: expect.any(Number) });
        expect(uids.has(panel.datasource!.uid!)).toBe(true);
        const [target] = panel.targets as unknown as Array<{ rawSql: string; format: string; datasource: { uid: string } }>;
        expect(target.rawSql).toMatch(/\breporting\./);
        expect(['table', 'time_series']).toContain(target.format);
        expect(uids.has(target.datasource.uid)).toBe(true);
      }
      for (const v of d.templating?.list ?? []) expect(uids.has((v.datasource as { uid: string }).uid)).toBe(true);
    }
  });

  it('round-trips through the SDK types: what is read back is what was written', () => {
    for (const [i, d] of dashboards.entries()) expect(`${JSON.stringify(d satisfies Dashboard, null, 2)}\n`).toBe(files[i].json);
  });

  it('writes the contract in its language, and puts each objective against its target', () => {
    const overview = dashboards.find((d) => d.uid === 'xla-contract-aurora-fm-2026')!;
    // Stockholm, Copenhagen, Oslo: one site each, the first site's language.
    expect(overview.title).toBe('Avtalsöversikt · Aurora Nordic – integrated FM 2026–2028');
    const csat = (overview.panels as Panel[]).find((p) => p.title === 'Upplevelsemål (XLA): restroom-csat')!;
    expect(csat.fieldConfig?.defaults.unit).toBe('percentunit');
    expect(csat.fieldConfig?.defaults.thresholds?.steps).toEqual([
      { value: null, color: 'red' },
      { value: 0.85, color: 'green' },
    ]);
    const negative = (overview.panels as Panel[]).find((p) => p.title === 'Upplevelsemål (XLA): restroom-negative-rate')!;
    expect(negative.fieldConfig?.defaults.thresholds?.steps).toEqual([
      { value: null, color: 'green' },
      { value: 0.08, color: 'red' },
    ]);
  });
});
