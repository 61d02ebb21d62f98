import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { ContractFileError } from '../../src/catalog/contract-file';
import { ContractsSyncService } from '../../src/catalog/contracts-sync.service';
import { ContractDirectory } from '../../src/catalog/contract-directory';
import { FIXTURE_CONTRACTS, freshStorage, startTestApp, type TestApp } from '../support/test-app';

// pseudonym_keys: daily salts of sender pseudonyms, a platform secret that belongs to no client.
// Platform tables (leader_job_runs: the last tick of each scheduled job) hold no client's data.
// Tables of the service's own state, no client's data: the rollup version is one counter for every client's rollups.
const FACT_TABLES_WITHOUT_CLIENT = ['clients', 'migrations', 'app_secrets', 'pseudonym_keys', 'leader_job_runs', 'scoring_rollup_version', 'catalog_version'];

describe('Catalog', () => {
  let sut: TestApp;
  let admin: string;
  let contractsDir: string;

  beforeAll(async () => {
    contractsDir = mkdtempSync(join(tmpdir(), 'xla-contracts-'));
    cpSync(FIXTURE_CONTRACTS, contractsDir, { recursive: true });
    sut = await startTestApp({ env: { CONTRACTS_DIR: contractsDir } });
    admin = await sut.keyFor('admin');
  });
  afterAll(async () => {
    await sut.close();
    rmSync(contractsDir, { recursive: true, force: true });
  });

  const get = (path: string) => request(sut.http).get(path).set('Authorization', `Bearer ${admin}`);
  const snapshot = async () => {
    const tables = ['clients', 'contracts', 'sites', 'zones', 'touchpoints', 'devices'];
    const rows: Record<string, unknown> = {};
    for (const table of tables) rows[table] = await sut.dataSource.query(`SELECT * FROM ${table} ORDER BY id`);
    return rows;
  };

  it('gives every table but clients a client_id column', async () => {
    const tables: Array<{ table_name: string; has_client: boolean }> = await sut.dataSource.query(`
      SELECT t.table_name, EXISTS (
        SELECT 1 FROM information_schema.columns c
        WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name AND c.column_name = 'client_id'
      ) AS has_client
      FROM information_schema.tables t WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE'`);
    expect(tables.length).toBeGreaterThan(5);
    const missing = tables.filter((t) => !t.has_client && !FACT_TABLES_WITHOUT_CLIENT.includes(t.table_name));
    expect(missing).toEqual([]);
  });

  it('changes nothing when the same contracts are synced twice', async () => {
    const before = await snapshot();
    const summary = await sut.app.get(ContractsSyncService).syncDirectory(contractsDir);
    for (const counts of Object.values(summary)) {
      expect(counts).toMatchObject({ created: 0, updated: 0, retired: 0 });
    }
    expect(summary.zones.unchanged).toBe(4);
    expect(await snapshot()).toEqual(before);
  });

  it('lists touchpoints with their kind, scale, token and place, filtered by site', async () => {
    const res = await get('/api/v1/touchpoints?site=alpha-hq').expect(200);
    expect(res.body).toMatchObject({ page: 1, limit: 50, total: 2 });
    expect(res.body.items).toEqual([
      expect.objectContaining({ key: 'alpha-1f-restroom-qr', kind: 'qr', scale: 'smiley5', reasonSets: ['restroom'], zoneKey: '1f-restroom', siteKey: 'alpha-hq', contractKey: 'alpha-fm' }),
      expect.objectContaining({ key: 'alpha-kitchen-qr', kind: 'qr', scale: 'nps11', zoneKey: 'kitchen', siteKey: 'alpha-hq' }),
    ]);
    for (const tp of res.body.items) expect(tp.token).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('pages lists and filters them by contract', async () => {
    const first = await get('/api/v1/zones?contract=alpha-fm&limit=2&page=1').expect(200);
    const second = await get('/api/v1/zones?contract=alpha-fm&limit=2&page=2').expect(200);
    expect(first.body.total).toBe(3);
    expect(first.body.items).toHaveLength(2);
    expect(second.body.items).toHaveLength(1);
    const refs = [...first.body.items, ...second.body.items].map((z: { ref: string }) => z.ref);
    expect(refs).toEqual(['alpha-branch.entrance', 'alpha-hq.1f-restroom', 'alpha-hq.kitchen']);
  });

  it('answers 400 problem+json for a bad page size', async () => {
    const res = await get('/api/v1/sites?limit=5000').expect(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'limit' })]);
  });

  it('shows a site with its time zone, opening hours and holidays', async () => {
    const res = await get('/api/v1/sites/beta-hq').expect(200);
    expect(res.body).toMatchObject({ key: 'beta-hq', timeZone: 'Europe/Oslo', language: 'nb', clientKey: 'beta', contractKey: 'beta-fm', holidays: [] });
    expect(res.body.serviceHours.mon).toEqual([['07:00', '17:00']]);
    expect(res.body.serviceHours.sat).toEqual([]);
    const device = await get('/api/v1/devices/beta-hq.beta-1f-soap').expect(200);
    expect(device.body).toMatchObject({ signals: ['soap_level'], expectedIntervalS: 900, zoneRef: 'beta-hq.1f-restroom' });
  });

  it('gives the service\'s jobs a contract\'s language and home site: the first active site by key, a retired one counting for neither', async () => {
    const directory = sut.app.get(ContractDirectory);
    const site = async (key: string) =>
      (await sut.dataSource.query<Array<{ time_zone: string; service_hours: unknown; language: string; retired_at: Date | null }>>(`SELECT time_zone, service_hours, language, retired_at FROM sites WHERE key = $1`, [key]))[0];
    const branch = await site('alpha-branch');
    expect(await directory.byKey('alpha-fm')).toMatchObject({ key: 'alpha-fm', name: 'Alpha FM', provider: 'Polar Facility Services', client: 'Alpha Bank', language: 'sv', timeZone: 'Europe/Stockholm', serviceHours: branch.service_hours });
    const change = (values: { time_zone: string; language: string; retired_at: Date | null }) =>
      sut.dataSource.query(`UPDATE sites SET time_zone = $2, language = $3, retired_at = $4 WHERE key = $1`, ['alpha-branch', values.time_zone, values.language, values.retired_at]);
    try {
      await change({ time_zone: 'Asia/Kolkata', language: 'en', retired_at: new Date() });
      expect(await directory.byKey('alpha-fm')).toMatchObject({ language: 'sv', timeZone: 'Europe/Stockholm', serviceHours: (await site('alpha-hq')).service_hours });
      // Active again: one site each speaks sv and en, and the tie goes to the first site by key.
      await change({ time_zone: 'Asia/Kolkata', language: 'en', retired_at: null });
      expect(await directory.byKey('alpha-fm')).toMatchObject({ language: 'en', timeZone: 'Asia/Kolkata' });
      expect((await directory.all()).map((c) => c.key)).toEqual(((await sut.dataSource.query<Array<{ key: string }>>(`SELECT key FROM contracts ORDER BY key`))).map((c) => c.key));
      expect(await directory.byKey('no-such-contract')).toBeUndefined();
    } finally {
      await change(branch);
    }
  });

  it('updates what changed, retires what was removed and keeps tokens', async () => {
    const tokenBefore = (await get('/api/v1/touchpoints/alpha-1f-restroom-qr').expect(200)).body.token;
    const file = join(contractsDir, 'alpha.yaml');
    const original = readFileSync(file, 'utf8');
    const changed = original.replace('name: Alpha HQ', 'name: Alpha Headquarters').replace(/ {6}- key: kitchen[\s\S]*?scale: nps11\n/, '');
    writeFileSync(file, changed);
    try {
      const summary = await sut.app.get(ContractsSyncService).syncDirectory(contractsDir);
      expect(summary.sites.updated).toBe(1);
      expect(summary.zones.retired).toBe(1);
      expect(summary.touchpoints.retired).toBe(1);
      await get('/api/v1/touchpoints/alpha-kitchen-qr').expect(404);
      expect((await get('/api/v1/sites/alpha-hq').expect(200)).body.name).toBe('Alpha Headquarters');
      expect((await get('/api/v1/touchpoints/alpha-1f-restroom-qr').expect(200)).body.token).toBe(tokenBefore);
    } finally {
      writeFileSync(file, original);
    }
    const back = await sut.app.get(ContractsSyncService).syncDirectory(contractsDir);
    expect(back.touchpoints.updated).toBe(1);
    await get('/api/v1/touchpoints/alpha-kitchen-qr').expect(200);
  });

  it('refuses a site key that another contract already uses, naming the file and line', async () => {
    const intruder = join(contractsDir, 'gamma.yaml');
    writeFileSync(intruder, readFileSync(join(contractsDir, 'beta.yaml'), 'utf8').replace('key: beta\n', 'key: gamma\n').replace('key: beta-fm', 'key: gamma-fm').replace(/beta-1f/g, 'gamma-1f'));
    try {
      const sync = sut.app.get(ContractsSyncService).syncDirectory(contractsDir);
      await expect(sync).rejects.toThrow(ContractFileError);
      await expect(sut.app.get(ContractsSyncService).syncDirectory(contractsDir)).rejects.toThrow(/gamma\.yaml:11: site key "beta-hq" is already used by another contract/);
    } finally {
      rmSync(intruder);
    }
  });

  it('refuses a touchpoint key that another contract already uses, naming the file and line', async () => {
    const intruder = join(contractsDir, 'gamma.yaml');
    const beta = readFileSync(join(contractsDir, 'beta.yaml'), 'utf8');
    writeFileSync(intruder, beta.replace('key: beta\n', 'key: gamma\n').replace('key: beta-fm', 'key: gamma-fm').replace('key: beta-hq', 'key: gamma-hq'));
    try {
      await expect(sut.app.get(ContractsSyncService).syncDirectory(contractsDir)).rejects.toThrow(/gamma\.yaml:24: touchpoint key "beta-1f-restroom-qr" is already used by another contract/);
    } finally {
      rmSync(intruder);
    }
  });

  it('keeps its data across a restart on the same storage', async () => {
    const storage = await freshStorage();
    const first = await startTestApp({ storage });
    const token = await first.tokenOf('beta-1f-restroom-qr');
    const key = await first.keyFor('client_viewer', 'beta');
    await first.stop();

    const second = await startTestApp({ storage });
    try {
      const res = await request(second.http).get('/api/v1/touchpoints/beta-1f-restroom-qr').set('Authorization', `Bearer ${key}`).expect(200);
      expect(res.body.token).toBe(token);
    } finally {
      await second.close();
    }
  });
});
