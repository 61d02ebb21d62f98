import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { ContractsSyncService } from '../../src/catalog/contracts-sync.service';
import { ConnectorsScheduler } from '../../src/feedback/connectors/connectors.scheduler';
import { ADVISORY_LOCKS } from '../../src/platform/database/advisory-locks';
import { FIXTURE_CONTRACTS, pollUntil, startTestApp, type TestApp } from '../support/test-app';

const TOKEN_ENV = 'CONNECTOR_XLA_TEST_LEGACY_TOKEN';
/** A token some sources take in the query string: it must not reach a connector's lastError. */
const URL_TOKEN = 'token-in-the-query';
const TOKEN = 'legacy-s3cret';
const NEVER = '0 0 1 1 *';

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

/** Records of the legacy JSON API, three pages. Four are good; four are rejected, each for its own reason. */
const PAGES = [
  [
    { id: 'a1', place: 'alpha-1f-restroom-qr', rating: 5, at: hoursAgo(30), text: 'Spotless', tags: ['spotless'] },
    { id: 'a2', place: 'alpha-kitchen-qr', rating: 9, at: hoursAgo(29) },
    { id: 'a3', place: 'alpha-1f-restroom-qr', rating: 7, at: hoursAgo(28) },
  ],
  [
    { id: 'a4', place: 'beta-1f-restroom-qr', rating: 4, at: hoursAgo(27) },
    { id: 'a5', place: 'alpha-branch-kiosk', rating: 3, at: hoursAgo(26) },
    { id: 'a6', place: 'alpha-kitchen-qr', rating: 8 },
  ],
  [
    { id: 'a7', place: 'alpha-1f-restroom-qr', rating: 1, at: new Date(Date.now() + 86_400_000).toISOString() },
    { id: 'a8', place: 'alpha-kitchen-qr', rating: 10, at: hoursAgo(2) },
  ],
];

const CSV = [
  'Response ID,Location,Smiley,Submitted,Comment',
  'c1,LOC-17,happy,' + hoursAgo(20) + ',"Fine, thanks"',
  'c2,LOC-17,meh,' + hoursAgo(19) + ',',
  'c3,LOC-99,sad,' + hoursAgo(18) + ',',
  'c4,LOC-17,sad,' + hoursAgo(17) + ',No soap',
].join('\n');

interface Hit {
  url: string;
  auth?: string;
}

/** The other feedback system: a paged JSON API that fails once with a 503 on page 2, and a CSV export. */
function legacySource() {
  const hits: Hit[] = [];
  const gate = { held: Promise.resolve() };
  let failures = 1;
  const server: Server = createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    hits.push({ url: url.pathname + url.search, auth: req.headers.authorization });
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401).end();
      return;
    }
    if (url.pathname === '/api/ratings') {
      const since = url.searchParams.get('since');
      if (since) {
        // Everything at or after the given time, on one page (the boundary record comes back).
        const data = PAGES.flat().filter((r) => r.at && r.at >= since);
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ data, links: { next: null } }));
        return;
      }
      const page = Number(url.searchParams.get('page') ?? '1');
      if (page === 2 && failures > 0) {
        failures--;
        res.writeHead(503).end('busy');
        return;
      }
      const next = page < PAGES.length ? `/api/ratings?page=${page + 1}` : null;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ data: PAGES[page - 1], links: { next } }));
      return;
    }
    if (url.pathname === '/export.csv') {
      void gate.held.then(() => res.writeHead(200, { 'Content-Type': 'text/csv' }).end(CSV));
      return;
    }
    res.writeHead(404).end();
  });
  return { server, hits, gate };
}

const connectorsYaml = (base: string) => `
connectors:
  - key: alpha-legacy
    type: http-json
    url: ${base}/api/ratings
    auth: { header: Authorization, env: ${TOKEN_ENV}, prefix: "Bearer " }
    schedule: "${NEVER}"
    paging: { items: data, next: links.next, sinceParam: since }
    mapping: { id: id, touchpoint: place, score: rating, ts: at, comment: text, reasons: tags }
    reasonMap: { spotless: clean }
    retry: { attempts: 3, delay: 10ms }
  - key: alpha-csv
    type: csv
    url: ${base}/export.csv
    auth: { env: ${TOKEN_ENV}, prefix: "Bearer " }
    schedule: "${NEVER}"
    mapping: { id: Response ID, touchpoint: Location, score: Smiley, ts: Submitted, comment: Comment }
    scoreMap: { sad: 1, meh: 3, happy: 5 }
    touchpointMap: { LOC-17: alpha-1f-restroom-qr }
    retry: { attempts: 2, delay: 10ms }
  - key: alpha-unauthorised
    type: http-json
    url: ${base}/api/ratings?api_key=${URL_TOKEN}
    schedule: "${NEVER}"
    enabled: false
    paging: { items: data }
    mapping: { id: id, touchpoint: place, score: rating, ts: at }
    retry: { attempts: 1 }
`;

const BETA_CONNECTOR = `
connectors:
  - key: beta-legacy
    type: csv
    url: http://127.0.0.1:9/beta.csv
    schedule: "${NEVER}"
    enabled: false
    mapping: { id: id, touchpoint: tp, score: score, ts: ts }
`;

describe('Connectors', () => {
  let sut: TestApp;
  let admin: string;
  let contractsDir: string;
  let source: ReturnType<typeof legacySource>;

  beforeAll(async () => {
    source = legacySource();
    await new Promise<void>((resolve) => source.server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(source.server.address() as AddressInfo).port}`;
    contractsDir = mkdtempSync(join(tmpdir(), 'xla-connectors-'));
    cpSync(FIXTURE_CONTRACTS, contractsDir, { recursive: true });
    appendFileSync(join(contractsDir, 'alpha.yaml'), connectorsYaml(base));
    appendFileSync(join(contractsDir, 'beta.yaml'), BETA_CONNECTOR);
    process.env[TOKEN_ENV] = TOKEN;
    sut = await startTestApp({ env: { CONTRACTS_DIR: contractsDir } });
    admin = await sut.keyFor('admin');
  });
  afterAll(async () => {
    await sut?.close();
    await new Promise((resolve) => source.server.close(resolve));
    rmSync(contractsDir, { recursive: true, force: true });
    delete process.env[TOKEN_ENV];
  });

  const run = (key: string, apiKey = admin) => request(sut.http).post(`/api/v1/connectors/${key}/run`).set('Authorization', `Bearer ${apiKey}`);
  const list = (apiKey = admin) => request(sut.http).get('/api/v1/connectors').set('Authorization', `Bearer ${apiKey}`);
  const imported = async (touchpointKeys?: string[]) => {
    const rows: Array<{ submission_id: string; score: number; reasons: string[]; comment: string | null; excluded_reason: string | null }> = await sut.dataSource.query(
      `SELECT r.submission_id, r.score, r.reasons, r.comment, r.excluded_reason FROM ratings r JOIN touchpoints t ON t.id = r.touchpoint_id
       WHERE r.origin = 'connector' ${touchpointKeys ? 'AND t.key = ANY($1)' : ''} ORDER BY r.submission_id`,
      touchpointKeys ? [touchpointKeys] : [],
    );
    return rows;
  };

  it('imports every good record of a paged JSON API once, through a 503, with the auth header from the environment', async () => {
    const res = await run('alpha-legacy').expect(200);

    expect(res.body).toMatchObject({ key: 'alpha-legacy', lastStatus: 'succeeded', lastError: null, lastRun: { imported: 4, rejected: 4 }, total: { imported: 4, rejected: 4 } });
    const rows = await imported();
    expect(rows.map((r) => r.submission_id)).toEqual(['a1', 'a2', 'a5', 'a8']);
    expect(rows[0]).toMatchObject({ score: 5, reasons: ['clean'], comment: 'Spotless', excluded_reason: null });
    const pages = source.hits.map((h) => h.url);
    expect(pages).toEqual(['/api/ratings', '/api/ratings?page=2', '/api/ratings?page=2', '/api/ratings?page=3']);
    expect(new Set(source.hits.map((h) => h.auth))).toEqual(new Set([`Bearer ${TOKEN}`]));
  });

  it('lists each rejected record with its reason', async () => {
    const res = await list().expect(200);
    const legacy = res.body.items.find((c: { key: string }) => c.key === 'alpha-legacy');
    const reasons = Object.fromEntries(legacy.rejections.map((r: { id: string; reason: string }) => [r.id, r.reason]));
    expect(reasons).toEqual({
      a3: expect.stringMatching(/^score: expected a whole number from 1 to 5/),
      a4: 'touchpoint: "beta-1f-restroom-qr" is not an active touchpoint of this client',
      a6: 'ts: missing (field "at")',
      a7: 'ts: must not be in the future',
    });
    expect(legacy).toMatchObject({ type: 'http-json', clientKey: 'alpha', contractKey: 'alpha-fm', source: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/api\/ratings$/) });
    expect(legacy.lastRunAt).toEqual(expect.any(String));
    expect(legacy.lastSuccessAt).toEqual(expect.any(String));
  });

  it('asks only for what is new on the next run and stores nothing twice', async () => {
    source.hits.length = 0;
    const res = await run('alpha-legacy').expect(200);

    expect(res.body.lastStatus).toBe('succeeded');
    expect(source.hits).toHaveLength(1);
    expect(new URL(source.hits[0].url, 'http://x').searchParams.get('since')).toBe(PAGES[2][1].at);
    expect((await imported()).map((r) => r.submission_id)).toEqual(['a1', 'a2', 'a5', 'a8']);
  });

  it('imports a CSV export with mapped scores and touchpoints', async () => {
    const res = await run('alpha-csv').expect(200);

    expect(res.body).toMatchObject({ lastStatus: 'succeeded', lastRun: { imported: 3, rejected: 1 } });
    expect(res.body.rejections).toEqual([expect.objectContaining({ id: 'c3', reason: 'touchpoint: "LOC-99" is not in touchpointMap' })]);
    const rows = (await imported()).filter((r) => r.submission_id.startsWith('c'));
    expect(rows.map((r) => [r.submission_id, r.score, r.comment])).toEqual([
      ['c1', 5, 'Fine, thanks'],
      ['c2', 3, null],
      ['c4', 1, 'No soap'],
    ]);
    await run('alpha-csv').expect(200);
    expect((await imported()).filter((r) => r.submission_id.startsWith('c'))).toHaveLength(3);
  });

  it('fails a run with a clear reason when the source refuses it, and when the token variable is missing', async () => {
    const unauthorised = await run('alpha-unauthorised').expect(200);
    expect(unauthorised.body).toMatchObject({ lastStatus: 'failed', lastError: expect.stringMatching(/^GET http:\/\/127\.0\.0\.1:\d+\/api\/ratings answered 401 Unauthorized$/) });
    expect(unauthorised.body.lastError).not.toContain(URL_TOKEN);

    delete process.env[TOKEN_ENV];
    try {
      const missing = await run('alpha-csv').expect(200);
      expect(missing.body).toMatchObject({ lastStatus: 'failed', lastError: `the environment variable ${TOKEN_ENV} (the Authorization header) is not set` });
      expect(missing.body.lastSuccessAt).toEqual(expect.any(String));
    } finally {
      process.env[TOKEN_ENV] = TOKEN;
    }
  });

  it('runs a connector once at a time: a second run while one is under way gets 409', async () => {
    let open!: () => void;
    source.gate.held = new Promise((resolve) => (open = resolve));
    const asked = source.hits.length;
    const first = run('alpha-csv').then((r) => r);
    await pollUntil(() => Promise.resolve(source.hits.slice(asked).some((h) => h.url === '/export.csv')));
    try {
      const second = await run('alpha-csv').expect(409);
      expect(second.body.detail).toBe('Connector "alpha-csv" is running already.');
    } finally {
      open();
      source.gate.held = Promise.resolve();
    }
    expect((await first).body.lastStatus).toBe('succeeded');
  });

  // Another instance needs a connection of its own: a database server. The CI run against the real servers runs this;
  // on embedded PGlite there is one process and one session, and the in-process guard above is the whole lock.
  const withServer: (name: string, fn: () => Promise<void>) => void = process.env.DATABASE_URL ? it : () => undefined;
  withServer('leaves a connector to the instance that holds its advisory lock', async () => {
    const [{ id }]: Array<{ id: string }> = await sut.dataSource.query(`SELECT id FROM connectors WHERE key = 'alpha-csv'`);
    const otherInstance = new Client({ connectionString: sut.config.databaseUrl });
    await otherInstance.connect();
    try {
      await otherInstance.query('SELECT pg_advisory_lock($1, hashtext($2))', [ADVISORY_LOCKS.connectorRun, id]);
      await run('alpha-csv').expect(409);
      await otherInstance.query('SELECT pg_advisory_unlock($1, hashtext($2))', [ADVISORY_LOCKS.connectorRun, id]);
      await run('alpha-csv').expect(200);
    } finally {
      await otherInstance.end();
    }
  });

  it("shows a client's connectors only to that client, and lets only admins and FM managers run them", async () => {
    const beta = await sut.keyFor('account_manager', 'beta');
    const betaList = await list(beta).expect(200);
    expect(betaList.body.items.map((c: { key: string }) => c.key)).toEqual(['beta-legacy']);

    const alphaList = await list(await sut.keyFor('account_manager', 'alpha')).expect(200);
    expect(alphaList.body.items.map((c: { key: string }) => c.key)).toEqual(['alpha-csv', 'alpha-legacy', 'alpha-unauthorised']);

    await run('alpha-legacy', await sut.keyFor('fm_manager', 'beta')).expect(404);
    await run('alpha-legacy', beta).expect(403);
    await list(await sut.keyFor('client_viewer', 'alpha')).expect(403);
  });

  it('schedules enabled connectors, and follows contract changes: a new schedule runs, a removed connector is retired', async () => {
    const scheduler = sut.app.get(ConnectorsScheduler);
    expect(scheduler.scheduleOf('alpha-legacy')).toBe(NEVER);
    expect(scheduler.scheduleOf('alpha-unauthorised')).toBeUndefined();

    const alphaFile = join(contractsDir, 'alpha.yaml');
    const original = readFileSync(alphaFile, 'utf8');
    const before = (await list().expect(200)).body.items.find((c: { key: string }) => c.key === 'alpha-csv').lastRunAt;
    writeFileSync(alphaFile, original.replace(/(key: alpha-csv\n(?:.*\n)*?\s+schedule: )"[^"]+"/, '$1"* * * * * *"').replace(/ {2}- key: alpha-unauthorised[\s\S]*$/, ''));
    const summary = await sut.app.get(ContractsSyncService).syncDirectory(contractsDir);
    expect(summary.connectors).toMatchObject({ updated: 1, retired: 1 });
    await scheduler.reschedule();
    expect(scheduler.scheduleOf('alpha-csv')).toBe('* * * * * *');

    await pollUntil(async () => {
      const csv = (await list().expect(200)).body.items.find((c: { key: string }) => c.key === 'alpha-csv');
      return csv.lastRunAt !== before && csv.lastStatus === 'succeeded';
    });
    const alphaKeys = (await list().expect(200)).body.items.filter((c: { clientKey: string }) => c.clientKey === 'alpha').map((c: { key: string }) => c.key);
    expect(alphaKeys).toEqual(['alpha-csv', 'alpha-legacy']);
    await run('alpha-unauthorised').expect(404);

    writeFileSync(alphaFile, original);
    await sut.app.get(ContractsSyncService).syncDirectory(contractsDir);
    await scheduler.reschedule();
    expect(scheduler.scheduleOf('alpha-csv')).toBe(NEVER);
  });
});
