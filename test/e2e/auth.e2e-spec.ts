import request from 'supertest';
import { startTestApp, type TestApp } from '../support/test-app';

const ADMIN_KEY = 'bootstrap-admin-key-for-tests-0123456789';

describe('API keys and client scope', () => {
  let sut: TestApp;
  let viewerA: string;

  beforeAll(async () => {
    sut = await startTestApp({ env: { ADMIN_API_KEY: ADMIN_KEY } });
    viewerA = await sut.keyFor('client_viewer', 'alpha');
  });
  afterAll(() => sut.close());

  it('answers 401 problem+json without a key', async () => {
    const res = await request(sut.http).get('/api/v1/sites').expect(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.body).toMatchObject({ status: 401, title: 'Unauthorized', instance: '/api/v1/sites' });
  });

  it('answers 401 for an unknown key', async () => {
    await request(sut.http).get('/api/v1/sites').set('Authorization', 'Bearer xla_not-a-real-key').expect(401);
  });

  it('answers 403 for a role that may not read the catalog', async () => {
    const device = await sut.keyFor('device', 'alpha', 'alpha-hq');
    const res = await request(sut.http).get('/api/v1/sites').set('Authorization', `Bearer ${device}`).expect(403);
    expect(res.body).toMatchObject({ status: 403, detail: expect.stringContaining('device') });
  });

  it('shows a client viewer only its own client in lists', async () => {
    for (const kind of ['clients', 'contracts', 'sites', 'zones', 'touchpoints', 'devices']) {
      const res = await request(sut.http).get(`/api/v1/${kind}`).set('Authorization', `Bearer ${viewerA}`).expect(200);
      expect(res.body.total).toBeGreaterThan(0);
      const keys = JSON.stringify(res.body.items);
      expect(keys).not.toContain('beta');
    }
    const sites = await request(sut.http).get('/api/v1/sites').set('Authorization', `Bearer ${viewerA}`).expect(200);
    expect(sites.body.items.map((s: { key: string }) => s.key).sort()).toEqual(['alpha-branch', 'alpha-hq']);
  });

  it.each([
    ['clients', 'beta'],
    ['contracts', 'beta-fm'],
    ['sites', 'beta-hq'],
    ['zones', 'beta-hq.1f-restroom'],
    ['touchpoints', 'beta-1f-restroom-qr'],
    ['devices', 'beta-hq.beta-1f-soap'],
  ])('answers 404, not 403, for %s of another client', async (kind, key) => {
    const res = await request(sut.http).get(`/api/v1/${kind}/${key}`).set('Authorization', `Bearer ${viewerA}`).expect(404);
    expect(res.body).toMatchObject({ status: 404, title: 'Not Found' });
  });

  it('lets the same viewer read its own resources', async () => {
    await request(sut.http).get('/api/v1/sites/alpha-hq').set('Authorization', `Bearer ${viewerA}`).expect(200);
    await request(sut.http).get('/api/v1/zones/alpha-hq.1f-restroom').set('Authorization', `Bearer ${viewerA}`).expect(200);
  });

  it('lets an admin see every client, and accepts ADMIN_API_KEY as admin', async () => {
    const admin = await sut.keyFor('admin');
    for (const key of [admin, ADMIN_KEY]) {
      const res = await request(sut.http).get('/api/v1/clients').set('Authorization', `Bearer ${key}`).expect(200);
      expect(res.body.items.map((c: { key: string }) => c.key)).toEqual(['alpha', 'beta']);
    }
  });

  it('creates keys over HTTP for admins only, and stores only their hash', async () => {
    const fm = await sut.keyFor('fm_manager', 'beta');
    await request(sut.http).post('/api/v1/api-keys').set('Authorization', `Bearer ${fm}`).send({ role: 'client_viewer', client: 'beta' }).expect(403);

    const res = await request(sut.http).post('/api/v1/api-keys').set('Authorization', `Bearer ${ADMIN_KEY}`).send({ role: 'client_viewer', client: 'beta' }).expect(201);
    expect(res.body).toMatchObject({ role: 'client_viewer', clientKey: 'beta', key: expect.stringMatching(/^xla_/) });
    const sites = await request(sut.http).get('/api/v1/sites').set('Authorization', `Bearer ${res.body.key}`).expect(200);
    expect(sites.body.items.map((s: { key: string }) => s.key)).toEqual(['beta-hq']);

    const stored: Array<{ hash: string }> = await sut.dataSource.query('SELECT hash FROM api_keys');
    expect(stored.length).toBeGreaterThan(0);
    expect(JSON.stringify(stored)).not.toContain(res.body.key);
  });

  it('refuses a key request with a bad role or a missing client, as problem+json', async () => {
    const bad = await request(sut.http).post('/api/v1/api-keys').set('Authorization', `Bearer ${ADMIN_KEY}`).send({ role: 'boss' }).expect(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'role' })]);
    const noClient = await request(sut.http).post('/api/v1/api-keys').set('Authorization', `Bearer ${ADMIN_KEY}`).send({ role: 'fm_manager' }).expect(400);
    expect(noClient.body.errors).toEqual([expect.objectContaining({ field: 'client' })]);
  });
});
