import { rmSync } from 'node:fs';
import { Client } from 'pg';
import request from 'supertest';
import type { QueryRunner } from 'typeorm';
import { loadContractDirectory } from '../../src/catalog/contract-file';
import { contractInputOf } from '../../src/dashboards/contract-inputs';
import { dashboardSpecs, type DashboardSpec, type PanelSpec } from '../../src/dashboards/dashboards';
import { grafanaStatement, type VariableValue } from '../../src/dashboards/grafana-macros';
import { clientRole, ReportingRoles } from '../../src/dashboards/reporting-roles';
import { FiguresPublisher } from '../../src/scoring/figures-publisher';
import { ReadingsSummaryJob } from '../../src/telemetry/readings-summary.job';
import { RollupsService } from '../../src/scoring/rollups.service';
import { octoberAtGamma, seedRatings } from '../support/seed-ratings';
import { scorecardContracts, startTestApp, type TestApp } from '../support/test-app';

const RANGE = { from: new Date('2026-10-01T00:00:00Z'), to: new Date('2026-11-01T00:00:00Z') };

describe('Dashboards over the reporting schema', () => {
  let sut: TestApp;
  let contractsDir: string;
  let gammaViewer: string;
  let gammaId: string;
  let alphaId: string;
  let specs: DashboardSpec[];
  let gammaZones: string[];

  beforeAll(async () => {
    contractsDir = scorecardContracts('dashboards');
    sut = await startTestApp({ env: { CONTRACTS_DIR: contractsDir } });
    gammaViewer = await sut.keyFor('client_viewer', 'gamma');
    const files = loadContractDirectory(contractsDir).map((f) => contractInputOf(f.spec));
    specs = dashboardSpecs(files.filter((f) => f.key === 'gamma-fm'), true);
    [{ id: gammaId }] = await sut.dataSource.query(`SELECT id FROM clients WHERE key = 'gamma'`);
    [{ id: alphaId }] = await sut.dataSource.query(`SELECT id FROM clients WHERE key = 'alpha'`);
    gammaZones = (await sut.dataSource.query<Array<{ key: string }>>(`SELECT z.key FROM zones z JOIN sites s ON s.id = z.site_id WHERE s.key = 'gamma-sto' ORDER BY 1`)).map((z) => z.key);
    await seedRatings(sut.dataSource, octoberAtGamma());
    await seedFacts();
    await sut.app.get(ReadingsSummaryJob).summarize(new Date('2026-10-01T00:00:00Z'));
    const rollups = sut.app.get(RollupsService);
    await rollups.catchUp();
    await rollups.catchUpInsights();
    await sut.app.get(FiguresPublisher).publish({ force: true, periods: ['2026-10'] });
    await sut.app.get(ReportingRoles).ensureAll();
  });
  afterAll(async () => {
    await sut.close();
    rmSync(contractsDir, { recursive: true, force: true });
  });

  /** SLA hours, sensor hours, an incident, devices (one never heard from), a dead letter: each October, each at Gamma and at Alpha. */
  async function seedFacts(): Promise<void> {
    const zone = `(SELECT z.id FROM zones z JOIN sites s ON s.id = z.site_id WHERE s.key || '.' || z.key = $1)`;
    for (const [key, hours] of [['gamma-sto.1f-restroom', 3], ['gamma-blr.2f-restroom', 2], ['alpha-hq.1f-restroom', 2]] as const) {
      for (let h = 0; h < hours; h++) {
        const at = `2026-10-0${5 + h}T08:00:00Z`;
        await sut.dataSource.query(
          `INSERT INTO sla_facts_hourly (client_id, zone_id, site_id, hour, tasks_due, tasks_on_time, tasks_late, visitors)
           SELECT z.client_id, z.id, z.site_id, $2, 10, $3::int, 10 - $3::int, 40 FROM zones z WHERE z.id = ${zone}`,
          // Stockholm cleans on time, all 30: SLA green beside its restroom's csat of 41/50, a watermelon.
          [key, at, key.startsWith('gamma-sto') ? 10 : 9],
        );
        for (const [signal, mean] of [['people_count', 12], ['soap_level', 55], ['co2', 780]] as const) {
          await sut.dataSource.query(
            `INSERT INTO readings_hourly (client_id, site_id, zone_id, signal, hour, n, sum, min, max)
             SELECT z.client_id, z.site_id, z.id, $2, $3, 4, $4 * 4, $4 - 1, $4 + 1 FROM zones z WHERE z.id = ${zone}`,
            [key, signal, at, mean],
          );
        }
      }
      await sut.dataSource.query(
        `INSERT INTO incidents (client_id, id, site_id, zone_id, category, priority, respond_target_s, resolve_target_s, origin, opened_at, acknowledged_at, resolved_at, resolution)
         SELECT z.client_id, gen_random_uuid(), z.site_id, z.id, 'consumables', 'high', 900, 3600, 'report', '2026-10-07T09:00Z', '2026-10-07T09:10Z', '2026-10-07T09:40Z', 'manual' FROM zones z WHERE z.id = ${zone}`,
        [key],
      );
      await sut.dataSource.query(
        `INSERT INTO devices (client_id, site_id, zone_id, key, model, signals, expected_interval_s)
         SELECT z.client_id, z.site_id, z.id, replace($1, '.', '-') || '-dispenser', 'Tork dispenser', '["soap_level"]', 900 FROM zones z WHERE z.id = ${zone}`,
        [key],
      );
      await sut.dataSource.query(
        `INSERT INTO dead_letters (client_id, site_id, topic, payload, reason, fingerprint, received_at)
         SELECT z.client_id, z.site_id, 'xla/v1/x', '{}', 'malformed', md5($1), '2026-10-08T10:00Z' FROM zones z WHERE z.id = ${zone}`,
        [key],
      );
    }
    await sut.dataSource.query(`INSERT INTO device_health (device_id, client_id, site_id, last_seen_at) SELECT id, client_id, site_id, '2026-10-31T23:00Z' FROM devices WHERE key LIKE 'gamma-blr%'`);
  }

  const variables = (): Record<string, VariableValue> => ({
    period: { value: '2026-10' },
    site: { value: 'gamma-sto' },
    zone: { value: gammaZones, multi: true, includeAll: true },
    polarity: { value: ['positive', 'neutral', 'negative'], multi: true, includeAll: true },
  });
  const run = (_d: DashboardSpec, panel: PanelSpec) => sut.dataSource.query<Array<Record<string, unknown>>>(grafanaStatement(panel.sql, RANGE, variables()));
  const panel = (uid: string, key: string) => {
    const d = specs.find((s) => s.uid === uid)!;
    return { d, p: d.panels.find((p) => p.key === key)! };
  };
  const numeric = (v: unknown) => typeof v === 'number' || (typeof v === 'string' && v !== '' && Number.isFinite(Number(v)));

  it('runs every panel query as Grafana sends it, each with rows and the columns its panel type needs', async () => {
    const empty: string[] = [];
    for (const d of specs) {
      for (const p of d.panels) {
        const rows = await run(d, p);
        if (!rows.length) {
          empty.push(`${d.uid}/${p.key}`);
          continue;
        }
        const columns = Object.keys(rows[0]);
        if (p.format === 'time_series') {
          expect([d.uid, p.key, columns[0]]).toEqual([d.uid, p.key, 'time']);
          expect(columns.slice(1).filter((c) => c !== 'metric').length).toBeGreaterThan(0);
          expect(rows.every((r) => r.time instanceof Date || numeric(r.time))).toBe(true);
        }
        if (p.kind === 'stat') expect([d.uid, p.key, columns.some((c) => numeric(rows[0][c]))]).toEqual([d.uid, p.key, true]);
        if (p.kind === 'bargauge') expect([d.uid, p.key, columns.length >= 2]).toEqual([d.uid, p.key, true]);
      }
    }
    expect(empty).toEqual([]);
  });

  it('shows the scorecard API\'s figures: objectives, experience index and the daily series', async () => {
    const api = (await request(sut.http).get('/api/v1/contracts/gamma-fm/scorecard?period=2026-10').set('Authorization', `Bearer ${gammaViewer}`).expect(200)).body;
    for (const o of api.objectives as Array<{ key: string; value: number | null; numerator: number; denominator: number; sample: number }>) {
      const { d, p } = panel('xla-contract-gamma-fm', `objective-${o.key}`);
      expect(p.objective).toBe(o.key);
      const [row] = await run(d, p);
      expect([o.key, row.value, row.numerator, row.denominator, row.sample]).toEqual([o.key, o.value, o.numerator, o.denominator, o.sample]);
    }
    const ei = panel('xla-contract-gamma-fm', 'experience-index');
    const [eiRow] = await run(ei.d, ei.p);
    expect(eiRow).toMatchObject({ experience_index: api.experienceIndex.value, experience_numerator: api.experienceIndex.numerator, experience_denominator: api.experienceIndex.denominator });
    const daily = (await request(sut.http).get('/api/v1/contracts/gamma-fm/daily?period=2026-10').set('Authorization', `Bearer ${gammaViewer}`).expect(200)).body;
    const byDay = panel('xla-contract-gamma-fm', 'by-day');
    const series = await run(byDay.d, byDay.p);
    expect(series.map((r) => [(r.time as Date).toISOString().slice(0, 10), r['Experience index']])).toEqual(
      (daily.days as Array<{ date: string; experienceIndex: { value: number | null } }>).map((day) => [day.date, day.experienceIndex.value]),
    );
    // The site's cleaning on time, as the contract scorecard gives it per site.
    const sto = (api.sites as Array<{ site: string; objectives: Array<{ key: string; value: number | null }> }>).find((s) => s.site === 'gamma-sto')!;
    const cleaning = panel('xla-site-gamma-fm', 'cleaning-on-time');
    const [cleaningRow] = await run(cleaning.d, cleaning.p);
    expect(cleaningRow.value).toBe(sto.objectives.find((o) => o.key === 'cleaning-on-time')!.value);
    // The watermelon, as the API marks it.
    const melons = panel('xla-contract-gamma-fm', 'watermelons');
    expect((await run(melons.d, melons.p)).map((r) => [r.site, r.breached_xla])).toEqual([['gamma-sto', 'restroom-csat']]);
  });

  it('charts every reading of an hour once in data health, from the summary per client, signal and hour', async () => {
    const { d, p } = panel('xla-data-health', 'readings-per-hour');
    const [seeded] = await sut.dataSource.query<Array<{ n: number }>>(`SELECT sum(n)::int AS n FROM readings_hourly`);
    const charted = (await run(d, p)).reduce((sum, r) => sum + Number(r.readings), 0);
    // Seeded: 4 readings per zone, signal and hour; summed again, an hour still counts each reading once.
    expect([charted, seeded.n]).toEqual([84, 84]);
    await sut.dataSource.query(`UPDATE readings_hourly SET n = n + 1 WHERE hour = '2026-10-05T08:00:00Z' AND signal = 'co2'`);
    await sut.app.get(ReadingsSummaryJob).summarize(new Date('2026-10-05T08:00:00Z'));
    expect((await run(d, p)).reduce((sum, r) => sum + Number(r.readings), 0)).toBe(84 + 3);
    await sut.dataSource.query(`UPDATE readings_hourly SET n = n - 1 WHERE hour = '2026-10-05T08:00:00Z' AND signal = 'co2'`);
    await sut.app.get(ReadingsSummaryJob).summarize(new Date('2026-10-05T08:00:00Z'));
  });

  /** Every relation of the reporting schema, from the catalog: a new one is checked without being named here. */
  const relations = async () =>
    (await sut.dataSource.query<Array<{ name: string }>>(`SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'reporting' AND c.relkind IN ('r', 'v', 'm', 'p', 'f') ORDER BY 1`)).map((r) => r.name);

  /** Queries as a client's role: logged in as it on a real server, SET ROLE on the embedded one (which has one user). */
  async function asRole<T>(role: string, fn: (query: (sql: string) => Promise<Array<Record<string, unknown>>>) => Promise<T>): Promise<T> {
    if (sut.config.databaseUrl) {
      const url = new URL(sut.config.databaseUrl);
      url.username = role;
      url.password = await sut.app.get(ReportingRoles).password(role);
      const client = new Client({ connectionString: url.toString() });
      await client.connect();
      try {
        return await fn(async (sql) => (await client.query<Record<string, unknown>>(sql)).rows);
      } finally {
        await client.end();
      }
    }
    const runner: QueryRunner = sut.dataSource.createQueryRunner();
    try {
      await runner.query(`SET ROLE ${role}`);
      return await fn((sql) => runner.query(sql));
    } finally {
      await runner.query('RESET ROLE');
      await runner.release();
    }
  }

  it('shows a client\'s role its own client\'s rows alone, in every relation of the reporting schema', async () => {
    const all = await relations();
    expect(all.length).toBeGreaterThanOrEqual(18);
    const seen = await asRole(clientRole(gammaId), async (query) => {
      const result: Record<string, string[]> = {};
      for (const name of all) result[name] = [...new Set((await query(`SELECT client_id::text AS c FROM reporting.${name}`)).map((r) => r.c as string))];
      return result;
    });
    for (const name of all) expect([name, seen[name].filter((c) => c !== gammaId)]).toEqual([name, []]);
    // Alpha has rows in most of them, which the provider's view shows and Gamma's does not.
    const withAlpha = [];
    for (const name of all) if ((await sut.dataSource.query(`SELECT 1 FROM reporting.${name} WHERE client_id = $1 LIMIT 1`, [alphaId])).length) withAlpha.push(name);
    expect(withAlpha.length).toBeGreaterThanOrEqual(12);
    // Gamma sees its own, where it has some.
    expect(seen.ratings).toEqual([gammaId]);
    expect(seen.objective_figures).toEqual([gammaId]);
    // And nothing else of the database: the tables themselves are not its to read.
    await expect(asRole(clientRole(gammaId), (query) => query('SELECT count(*) FROM public.ratings'))).rejects.toThrow(/permission denied/);
  });

  it('shows the provider\'s Grafana role every client, and its dead letters of no client', async () => {
    const rows = await asRoleNoLogin('xla_grafana', `SELECT DISTINCT client_id::text AS c FROM reporting.ratings ORDER BY 1`);
    expect(rows.map((r) => r.c).sort()).toEqual([alphaId, gammaId].sort());
    // A message from a device nobody knows belongs to no client: the provider sees it, a client never.
    await sut.dataSource.query(`INSERT INTO dead_letters (topic, payload, reason, fingerprint, received_at) VALUES ('xla/v1/nobody', '{}', 'unknown_device', 'nobody', '2026-10-09T10:00Z')`);
    const unknown = `SELECT count(*)::int AS n FROM reporting.dead_letters WHERE client_id IS NULL`;
    expect(await asRoleNoLogin('xla_grafana', unknown)).toEqual([{ n: 1 }]);
    expect(await asRole(clientRole(gammaId), (query) => query(unknown))).toEqual([{ n: 0 }]);
  });

  /** xla_grafana has no password here (docker-compose's init gives it one): SET ROLE on either database. */
  async function asRoleNoLogin(role: string, sql: string): Promise<Array<Record<string, unknown>>> {
    const runner = sut.dataSource.createQueryRunner();
    try {
      await runner.query(`SET ROLE ${role}`);
      return (await runner.query(sql)) as Array<Record<string, unknown>>;
    } finally {
      await runner.query('RESET ROLE');
      await runner.release();
    }
  }
});
