import request from 'supertest';
import { DeviceCredentialsService } from '../../src/auth/device-credentials.service';
import { startTestApp, type TestApp } from '../support/test-app';

describe(DeviceCredentialsService.name, () => {
  let app: TestApp;
  let sut: DeviceCredentialsService;
  let admin: string;

  beforeAll(async () => {
    app = await startTestApp();
    sut = app.app.get(DeviceCredentialsService);
    admin = await app.keyFor('admin');
  });
  afterAll(() => app.close());

  const issue = (ref: string, key: string, body?: object) => {
    const req = request(app.http).post(`/api/v1/devices/${ref}/credentials`).set('Authorization', `Bearer ${key}`);
    return body === undefined ? req : req.send(body);
  };
  const storedRow = async (username: string) => {
    const rows = await app.dataSource.query<Array<Record<string, unknown>>>('SELECT * FROM device_credentials WHERE username = $1', [username]);
    return rows[0];
  };

  it('issues a credential whose secret verifies, and stores only its scrypt hash', async () => {
    const res = await issue('alpha-hq.alpha-1f-soap', admin).expect(201);
    expect(res.body).toEqual({ username: 'alpha-hq.alpha-1f-soap', secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    const { username, secret } = res.body as { username: string; secret: string };

    await expect(sut.verify(username, secret)).resolves.toEqual({
      id: expect.any(String),
      clientId: expect.any(String),
      siteId: expect.any(String),
      siteKey: 'alpha-hq',
      zoneKey: '1f-restroom',
      deviceKey: 'alpha-1f-soap',
    });
    await expect(sut.verify(username, `${secret.startsWith('A') ? 'B' : 'A'}${secret.slice(1)}`)).resolves.toBeUndefined();
    await expect(sut.verify(username, '')).resolves.toBeUndefined();
    await expect(sut.verify('alpha-hq.no-such-device', secret)).resolves.toBeUndefined();

    const row = await storedRow(username);
    expect(row.secret_hash).toMatch(/^scrypt\$\d+\$\d+\$\d+\$/);
    for (const value of Object.values(row)) expect(JSON.stringify(value)).not.toContain(secret);
  });

  it('refuses a second credential without rotate (409), and with rotate replaces it: the old secret stops working', async () => {
    const first = await issue('alpha-hq.alpha-1f-counter', admin).expect(201);
    const conflict = await issue('alpha-hq.alpha-1f-counter', admin, { rotate: false }).expect(409);
    expect(conflict.headers['content-type']).toContain('application/problem+json');
    await expect(sut.verify(first.body.username, first.body.secret)).resolves.toBeDefined();

    const rotated = await issue('alpha-hq.alpha-1f-counter', admin, { rotate: true }).expect(201);
    expect(rotated.body.username).toBe(first.body.username);
    expect(rotated.body.secret).not.toBe(first.body.secret);
    await expect(sut.verify(first.body.username, first.body.secret)).resolves.toBeUndefined();
    await expect(sut.verify(rotated.body.username, rotated.body.secret)).resolves.toMatchObject({ deviceKey: 'alpha-1f-counter' });
    const row = await storedRow(first.body.username);
    expect(row.rotated_at).toBeInstanceOf(Date);
  });

  it('refuses a retired device, or one in a retired zone, and issues no credential for it', async () => {
    const { username, secret } = (await issue('alpha-hq.alpha-1f-checkin', admin).expect(201)).body as { username: string; secret: string };
    await expect(sut.verify(username, secret)).resolves.toBeDefined();

    await app.dataSource.query(`UPDATE zones SET retired_at = now() WHERE key = '1f-restroom' AND site_id = (SELECT id FROM sites WHERE key = 'alpha-hq')`);
    try {
      await expect(sut.verify(username, secret)).resolves.toBeUndefined();
    } finally {
      await app.dataSource.query(`UPDATE zones SET retired_at = NULL WHERE key = '1f-restroom' AND site_id = (SELECT id FROM sites WHERE key = 'alpha-hq')`);
    }
    await expect(sut.verify(username, secret)).resolves.toBeDefined();

    await app.dataSource.query(`UPDATE devices SET retired_at = now() WHERE key = 'alpha-1f-checkin'`);
    await expect(sut.verify(username, secret)).resolves.toBeUndefined();
    await issue('alpha-hq.alpha-1f-checkin', admin, { rotate: true }).expect(404);
  });

  it('answers 404 to a manager of another client, and lets a manager issue for its own devices', async () => {
    const betaManager = await app.keyFor('fm_manager', 'beta');
    const res = await issue('alpha-hq.alpha-1f-soap', betaManager, { rotate: true }).expect(404);
    expect(res.body).toMatchObject({ status: 404, title: 'Not Found' });
    await issue('beta-hq.beta-1f-soap', betaManager).expect(201);
    await issue('no-dot-in-this-ref', betaManager).expect(404);
  });

  it('answers 403 to roles that may not issue credentials, and 400 to a bad body', async () => {
    for (const role of ['client_viewer', 'account_manager', 'device'] as const) {
      await issue('alpha-hq.alpha-1f-soap', await app.keyFor(role, 'alpha', role === 'device' ? 'alpha-hq' : undefined), { rotate: true }).expect(403);
    }
    await issue('alpha-hq.alpha-1f-soap', admin, { rotate: 'yes' }).expect(400);
    await issue('alpha-hq.alpha-1f-soap', admin, { rotate: true, extra: 1 }).expect(400);
  });

  it('is documented in the OpenAPI description, with its rotate field', async () => {
    const doc = (await request(app.http).get('/docs/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { $ref?: string } }> } }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    const operation = doc.paths['/api/v1/devices/{ref}/credentials']?.post;
    const ref = operation?.requestBody?.content['application/json'].schema.$ref ?? '';
    expect(Object.keys(doc.components.schemas[ref.split('/').pop()!]?.properties ?? {})).toEqual(['rotate']);
  });

  it('issues a site\'s missing credentials for the installers, or rotates them all', async () => {
    const first = await sut.issueForSite('alpha-branch', false);
    expect(first.map((c) => c.username)).toEqual(['alpha-branch.alpha-branch-kiosk-1']);
    expect(first[0]).toMatchObject({ device: 'alpha-branch-kiosk-1', zone: 'entrance' });
    await expect(sut.issueForSite('alpha-branch', false)).resolves.toEqual([]);

    const rotated = await sut.issueForSite('alpha-branch', true);
    expect(rotated).toHaveLength(1);
    await expect(sut.verify(first[0].username, first[0].secret)).resolves.toBeUndefined();
    await expect(sut.verify(rotated[0].username, rotated[0].secret)).resolves.toBeDefined();
    await expect(sut.issueForSite('no-such-site', false)).rejects.toMatchObject({ code: 'not-found' });
  });
});
