import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { CatalogService } from '../../src/catalog/catalog.service';
import { ContractFileError } from '../../src/catalog/contract-file';
import { ContractsSyncService } from '../../src/catalog/contracts-sync.service';
import type { Principal } from '../../src/platform/access/roles';
import { fixtureContracts, startTestApp, type TestApp } from '../support/test-app';

const ALPHA_OBJECTIVES = `objectives:
  - { key: restroom-csat, kind: xla, indicator: csat, target: 0.85, scope: { zoneTypes: [restroom] }, weight: 2 }
  - { key: cleaning-on-time, kind: sla, indicator: cleaning_on_time, target: 0.95, window: rolling_28d }
  - { key: hq-happiness, kind: xla, indicator: happiness, target: 30, window: calendar_week, scope: { sites: [alpha-hq] }, minSample: 50 }
`;
const BETA_OBJECTIVES = `objectives:
  - { key: restroom-csat, kind: xla, indicator: csat, target: 0.8 }
`;

/** One row of the objectives table, readable: the contract by key, retired as a flag. */
const ROWS = `
  SELECT k.key AS contract, o.key, o.kind, o.indicator, o.target, o.window_kind AS "window", o.scope, o.min_sample AS "minSample", o.weight,
         o.retired_at IS NOT NULL AS retired, o.client_id = k.client_id AS "clientOfContract"
  FROM objectives o JOIN contracts k ON k.id = o.contract_id ORDER BY k.key, o.key`;

const row = (contract: string, key: string, fields: Record<string, unknown>) => ({
  contract,
  key,
  window: 'calendar_month',
  scope: {},
  weight: 1,
  retired: false,
  clientOfContract: true,
  ...fields,
});

const ALPHA_ROWS = [
  row('alpha-fm', 'cleaning-on-time', { kind: 'sla', indicator: 'cleaning_on_time', target: 0.95, window: 'rolling_28d', minSample: 30 }),
  row('alpha-fm', 'hq-happiness', { kind: 'xla', indicator: 'happiness', target: 30, window: 'calendar_week', scope: { sites: ['alpha-hq'] }, minSample: 50 }),
  row('alpha-fm', 'restroom-csat', { kind: 'xla', indicator: 'csat', target: 0.85, scope: { zoneTypes: ['restroom'] }, minSample: 30, weight: 2 }),
];
const BETA_ROWS = [row('beta-fm', 'restroom-csat', { kind: 'xla', indicator: 'csat', target: 0.8, minSample: 30 })];

describe('Objectives (contract YAML)', () => {
  let sut: TestApp;
  let contractsDir: string;
  let alphaFile: string;
  let alphaSource: string;

  beforeAll(async () => {
    contractsDir = fixtureContracts('objectives');
    alphaFile = join(contractsDir, 'alpha.yaml');
    appendFileSync(alphaFile, ALPHA_OBJECTIVES);
    appendFileSync(join(contractsDir, 'beta.yaml'), BETA_OBJECTIVES);
    alphaSource = readFileSync(alphaFile, 'utf8');
    sut = await startTestApp({ env: { CONTRACTS_DIR: contractsDir } });
  });
  afterAll(async () => {
    await sut.close();
    rmSync(contractsDir, { recursive: true, force: true });
  });

  const rows = () => sut.dataSource.query<Array<Record<string, unknown>>>(ROWS);
  const idsByKey = async () =>
    new Map((await sut.dataSource.query<Array<{ ref: string; id: string }>>(`SELECT k.key || '.' || o.key AS ref, o.id FROM objectives o JOIN contracts k ON k.id = o.contract_id`)).map((r) => [r.ref, r.id]));
  const sync = () => sut.app.get(ContractsSyncService).syncDirectory(contractsDir);
  const principalOf = async (clientKey: string): Promise<Principal> => {
    const client = await sut.app.get(CatalogService).findClientByKey(clientKey);
    return { role: 'client_viewer', clientId: client!.id, siteId: null, keyId: null };
  };

  it('stores the objectives of each contract at start-up, with the defaults filled in', async () => {
    await expect(rows()).resolves.toEqual([...ALPHA_ROWS, ...BETA_ROWS]);
  });

  it('updates a changed target in place, retires a removed objective and brings it back when it returns', async () => {
    const ids = await idsByKey();
    writeFileSync(alphaFile, alphaSource.replace('target: 0.85', 'target: 0.9').replace(/ {2}- \{ key: cleaning-on-time.*\n/, ''));
    try {
      const changed = await sync();
      expect(changed.objectives).toEqual({ created: 0, updated: 1, retired: 1, unchanged: 2 });
      await expect(rows()).resolves.toEqual([
        { ...ALPHA_ROWS[0], retired: true },
        ALPHA_ROWS[1],
        { ...ALPHA_ROWS[2], target: 0.9 },
        ...BETA_ROWS,
      ]);
      await expect(idsByKey()).resolves.toEqual(ids);
    } finally {
      writeFileSync(alphaFile, alphaSource);
    }
    const back = await sync();
    expect(back.objectives).toEqual({ created: 0, updated: 2, retired: 0, unchanged: 2 });
    await expect(rows()).resolves.toEqual([...ALPHA_ROWS, ...BETA_ROWS]);
    await expect(idsByKey()).resolves.toEqual(ids);
  });

  it('refuses a scope naming a site of another contract, at its line, and changes nothing', async () => {
    writeFileSync(alphaFile, alphaSource.replace('scope: { sites: [alpha-hq] }', 'scope: { sites: [alpha-hq, beta-hq] }'));
    try {
      const attempt = sync();
      await expect(attempt).rejects.toThrow(ContractFileError);
      await expect(attempt).rejects.toThrow(/alpha\.yaml:68: objectives\.2\.scope\.sites\.1: "beta-hq" is not a site of this contract \(alpha-hq, alpha-branch\)$/);
    } finally {
      writeFileSync(alphaFile, alphaSource);
    }
    await expect(rows()).resolves.toEqual([...ALPHA_ROWS, ...BETA_ROWS]);
  });

  it('shows a contract with its active objectives, and another client\'s contract as not found', async () => {
    const alphaViewer = await sut.keyFor('client_viewer', 'alpha');
    const res = await request(sut.http).get('/api/v1/contracts/alpha-fm').set('Authorization', `Bearer ${alphaViewer}`).expect(200);
    expect(res.body).toMatchObject({ key: 'alpha-fm', clientKey: 'alpha' });
    expect(res.body.objectives).toEqual([
      { ref: 'alpha-fm.cleaning-on-time', key: 'cleaning-on-time', kind: 'sla', indicator: 'cleaning_on_time', target: 0.95, window: 'rolling_28d', scope: {}, minSample: 30, weight: 1 },
      { ref: 'alpha-fm.hq-happiness', key: 'hq-happiness', kind: 'xla', indicator: 'happiness', target: 30, window: 'calendar_week', scope: { sites: ['alpha-hq'] }, minSample: 50, weight: 1 },
      { ref: 'alpha-fm.restroom-csat', key: 'restroom-csat', kind: 'xla', indicator: 'csat', target: 0.85, window: 'calendar_month', scope: { zoneTypes: ['restroom'] }, minSample: 30, weight: 2 },
    ]);
    const foreign = await request(sut.http).get('/api/v1/contracts/beta-fm').set('Authorization', `Bearer ${alphaViewer}`).expect(404);
    expect(foreign.headers['content-type']).toContain('application/problem+json');
    expect(foreign.body.objectives).toBeUndefined();

    const admin = await sut.keyFor('admin');
    const beta = await request(sut.http).get('/api/v1/contracts/beta-fm').set('Authorization', `Bearer ${admin}`).expect(200);
    expect(beta.body.objectives).toEqual([
      { ref: 'beta-fm.restroom-csat', key: 'restroom-csat', kind: 'xla', indicator: 'csat', target: 0.8, window: 'calendar_month', scope: {}, minSample: 30, weight: 1 },
    ]);
  });

  it('lists a contract\'s objectives and finds one by "contractKey.objectiveKey" for its own client only', async () => {
    const catalog = sut.app.get(CatalogService);
    const alpha = await principalOf('alpha');
    const [contract] = await sut.dataSource.query<Array<{ id: string }>>(`SELECT id FROM contracts WHERE key = 'alpha-fm'`);
    const listed = await catalog.objectivesOfContract(alpha, 'alpha-fm');
    expect(listed.map((o) => o.ref)).toEqual(['alpha-fm.cleaning-on-time', 'alpha-fm.hq-happiness', 'alpha-fm.restroom-csat']);
    await expect(catalog.objectiveByRef(alpha, 'alpha-fm.restroom-csat')).resolves.toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      ref: 'alpha-fm.restroom-csat',
      clientId: alpha.clientId,
      contractId: contract.id,
      contractKey: 'alpha-fm',
      key: 'restroom-csat',
      kind: 'xla',
      indicator: 'csat',
      target: 0.85,
      window: 'calendar_month',
      scope: { zoneTypes: ['restroom'] },
      minSample: 30,
      weight: 2,
    });
    await expect(catalog.objectivesOfContract(alpha, 'beta-fm')).rejects.toThrow('No contract with key "beta-fm".');
    await expect(catalog.objectiveByRef(alpha, 'beta-fm.restroom-csat')).rejects.toThrow('No objective with key "beta-fm.restroom-csat".');
    await expect(catalog.objectiveByRef(await principalOf('beta'), 'beta-fm.restroom-csat')).resolves.toMatchObject({ target: 0.8 });
    expect((await catalog.allObjectives()).map((o) => o.ref)).toEqual([...listed.map((o) => o.ref), 'beta-fm.restroom-csat']);
  });
});
