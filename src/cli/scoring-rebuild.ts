import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { parseRebuildArgs } from '../scoring/rebuild-plan';
import { RollupsRebuilder, type RebuildProgress } from '../scoring/rollups-rebuilder';
import { RollupsRepository } from '../scoring/rollups.repository';
import { runCli } from './cli.module';

const n = (value: number) => value.toLocaleString('en');
const line = (p: RebuildProgress, ms: number) =>
  `scoring:rebuild sites ${p.sitesDone}/${p.sites}: ${n(p.ratings)} ratings into ${n(p.zoneHours)} zone-hours, ${n(p.ratingDays)} rating days, ${n(p.slaDays)} SLA days (${(ms / 1000).toFixed(1)} s)\n`;

// npm run scoring:rebuild -- [--contract K] [--from YYYY-MM-DD --to YYYY-MM-DD]: recomputes the scoring rollups from the
// facts (local dates at each site), a batch of sites at a time, with progress on stderr and a JSON summary on stdout.
void runCli({
  name: 'scoring:rebuild',
  run: async (context) => {
    const args = parseRebuildArgs(process.argv.slice(2));
    const dataSource = context.get(DataSource);
    const started = Date.now();
    // Built by hand: the CLI module has no scheduler, which the scoring module's job needs.
    const rebuilder = new RollupsRebuilder(new RollupsRepository(dataSource), dataSource);
    const total = await rebuilder.rebuild(args, (p) => process.stderr.write(line(p, Date.now() - started)));
    process.stdout.write(`${JSON.stringify({ ...args, ...total, seconds: (Date.now() - started) / 1000 })}\n`);
  },
  whenServiceRuns: (service) => {
    throw new Error(`${service.inUse}.\nThe embedded database has one user at a time: stop the service, then run scoring:rebuild.`);
  },
});
