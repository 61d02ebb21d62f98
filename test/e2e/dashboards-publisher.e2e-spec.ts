import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { ContractsSyncService } from '../../src/catalog/contracts-sync.service';
import { DashboardsPublisher } from '../../src/dashboards/dashboards-publisher';
import { clientRole, ReportingRoles } from '../../src/dashboards/reporting-roles';
import { MockGrafana } from '../support/mock-grafana';
import { fixtureContracts, SCORING_CONTRACTS, startTestApp, type TestApp } from '../support/test-app';

describe(DashboardsPublisher.name, () => {
  let grafana: MockGrafana;
  let sut: TestApp;
  let contractsDir: string;

  beforeAll(async () => {
    grafana = await new MockGrafana().start();
    contractsDir = fixtureContracts('dashboards-publisher', SCORING_CONTRACTS);
    sut = await startTestApp({ env: { CONTRACTS_DIR: contractsDir, GRAFANA_URL: grafana.url, GRAFANA_PASSWORD: 'pw', GRAFANA_DB_HOST: 'postgres:5432', GRAFANA_DB_NAME: 'xla' } });
  });
  afterAll(async () => {
    await sut.close();
    await grafana.stop();
    rmSync(contractsDir, { recursive: true, force: true });
  });

  const publish = () => sut.app.get(DashboardsPublisher).publish();
  const clientId = async (key: string) => (await sut.dataSource.query<Array<{ id: string }>>(`SELECT id FROM clients WHERE key = $1`, [key]))[0].id;

  it('creates an organisation per client with its own data source, folders per client, and the dashboards', async () => {
    const result = await publish();
    expect(result).toMatchObject({ organisations: 4, skippedClients: 0 });
    const provider = grafana.orgs.get(1)!;
    expect([...provider.folders.keys()].sort()).toEqual(['xla-alpha', 'xla-beta', 'xla-gamma', 'xla-platform']);
    // Each contract's three in its client's folder, and data health for the provider only.
    const inFolder = (org: typeof provider, folder: string) => [...org.dashboards.values()].filter((d) => d.folderUid === folder).map((d) => d.dashboard.uid).sort();
    expect(inFolder(provider, 'xla-platform')).toEqual(['xla-data-health']);
    expect(inFolder(provider, 'xla-gamma')).toEqual(['xla-contract-gamma-fm', 'xla-feedback-gamma-fm', 'xla-site-gamma-fm']);
    const gamma = grafana.org('XLA Monitor – gamma')!;
    expect(inFolder(gamma, 'xla-gamma')).toEqual(['xla-contract-gamma-fm', 'xla-feedback-gamma-fm', 'xla-site-gamma-fm']);
    expect([...gamma.dashboards.keys()]).not.toContain('xla-data-health');
    // The client's data source logs in as its client's role, the password in secureJsonData.
    const role = clientRole(await clientId('gamma'));
    const ds = gamma.dataSources.get('xla-monitor-pg')!;
    expect(ds).toMatchObject({ type: 'grafana-postgresql-datasource', url: 'postgres:5432', user: role, jsonData: { database: 'xla' } });
    expect(ds.secureJsonData).toEqual({ password: await sut.app.get(ReportingRoles).password(role) });
    // No data source is given to the provider's organisation without GRAFANA_DB_PASSWORD: it is provisioned by file.
    expect(provider.dataSources.size).toBe(0);
    const health = await request(sut.http).get('/health').expect(200);
    expect(health.body.components.dashboards).toMatchObject({ status: 'up', lastError: null, dashboards: result.dashboards });
  });

  it('writes nothing when published again unchanged', async () => {
    const before = grafana.writes();
    expect(await publish()).toMatchObject({ written: 0 });
    expect(grafana.writes()).toBe(before);
  });

  it('updates the dashboards of a changed contract, and those alone', async () => {
    const file = join(contractsDir, 'gamma.yaml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}objectives:\n  - { key: restroom-csat, kind: xla, indicator: csat, target: 0.9, scope: { zoneTypes: [restroom] } }\n`);
    await sut.app.get(ContractsSyncService).syncDirectory(contractsDir);
    const mark = grafana.calls.length;
    const result = await publish();
    const written = grafana.calls.slice(mark).filter((c) => c.method === 'POST' && c.status === 200);
    // The overview shows the new objective, in the provider's organisation and in gamma's.
    expect(written.map((c) => c.path)).toEqual(['/api/dashboards/db', '/api/dashboards/db']);
    expect(result.written).toBe(2);
    const overview = grafana.org('XLA Monitor – gamma')!.dashboards.get('xla-contract-gamma-fm')!;
    expect(JSON.stringify(overview.dashboard)).toContain('restroom-csat');
    expect(overview.version).toBe(2);
  });

  it('retries a Grafana that answers 503 twice, and succeeds', async () => {
    grafana.failNext = 2;
    const mark = grafana.calls.length;
    await expect(publish()).resolves.toMatchObject({ written: 0 });
    expect(grafana.calls.slice(mark, mark + 3).map((c) => c.status)).toEqual([503, 503, 200]);
  });

  it('takes the organisation and the folder another publisher made meanwhile (409), and publishes into them', async () => {
    const orgName = 'XLA Monitor – gamma';
    const gone = [...grafana.orgs.values()].find((o) => o.name === orgName)!;
    grafana.orgs.delete(gone.id);
    grafana.raceNext.add('org').add('folder');
    const mark = grafana.calls.length;
    // Written: the organisation's data source and its three dashboards (the folder was the other publisher's).
    await expect(publish()).resolves.toMatchObject({ organisations: 4, written: 4 });
    const raced = grafana.calls.slice(mark).filter((c) => c.status === 409).map((c) => `${c.method} ${c.path}`);
    expect(raced).toEqual(['POST /api/orgs', 'POST /api/folders']);
    const org = [...grafana.orgs.values()].find((o) => o.name === orgName)!;
    expect(org.dataSources.size).toBe(1);
    expect([...org.dashboards.values()].every((d) => org.folders.has(d.folderUid))).toBe(true);
    expect(org.dashboards.size).toBe(gone.dashboards.size);
    expect(grafana.raceNext.size).toBe(0);
  });

  it('reports a 412 conflict in /health and /metrics, naming the dashboard', async () => {
    const provider = grafana.orgs.get(1)!;
    const mine = provider.dashboards.get('xla-contract-gamma-fm')!;
    // Somebody made a dashboard of the same title in the folder under another uid, and ours is gone.
    provider.dashboards.delete('xla-contract-gamma-fm');
    provider.dashboards.set('hand-made', { dashboard: { ...mine.dashboard, uid: 'hand-made' }, folderUid: 'xla-gamma', version: 1 });
    await expect(publish()).rejects.toThrow(/412.*name-exists/);
    const health = await request(sut.http).get('/health').expect(200);
    expect(health.body.status).toBe('degraded');
    expect(health.body.components.dashboards).toMatchObject({ status: 'degraded', lastError: expect.stringContaining('412') });
    const metrics = await request(sut.http).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/xla_dashboards_publish_runs_total\{result="failed"\} 1/);
    expect(metrics.text).toMatch(/xla_dashboards_last_success_timestamp_seconds [1-9]/);
  });
});
