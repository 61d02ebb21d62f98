import request from 'supertest';
import { startTestApp, type TestApp } from '../support/test-app';

/** A cleaner's handheld holds a device key: it records events and acts on incidents of its own site, nothing else. */
describe('Device keys for handhelds, limited to one site', () => {
  let sut: TestApp;
  let admin: string;
  let manager: string;
  let handheld: string;

  beforeAll(async () => {
    sut = await startTestApp();
    admin = await sut.keyFor('admin');
    manager = await sut.keyFor('fm_manager', 'alpha');
    const created = await request(sut.http).post('/api/v1/api-keys').set('Authorization', `Bearer ${admin}`).send({ role: 'device', client: 'alpha', site: 'alpha-hq' }).expect(201);
    expect(created.body).toMatchObject({ role: 'device', clientKey: 'alpha', siteKey: 'alpha-hq', name: 'device@alpha-hq.alpha' });
    handheld = created.body.key as string;
  });
  afterAll(() => sut.close());

  const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });
  const event = (zone: string, key = handheld) =>
    request(sut.http).post('/api/v1/events').set(as(key)).send({ zone, kind: 'refill', consumable: 'soap', tag: 'cleaner-3', ts: minutesAgo(2) });

  it.each([
    ['a device key without a site', { role: 'device', client: 'alpha' }, 'site', /required for role device/],
    ["a site of another client", { role: 'device', client: 'alpha', site: 'beta-hq' }, 'site', /unknown site of that client/],
    ['an unknown site', { role: 'device', client: 'alpha', site: 'nowhere' }, 'site', /unknown site/],
    ['a site on a manager key', { role: 'fm_manager', client: 'alpha', site: 'alpha-hq' }, 'site', /must be empty for role fm_manager/],
  ])('refuses %s with a 400 naming the field', async (_name, body, field, message) => {
    const res = await request(sut.http).post('/api/v1/api-keys').set(as(admin)).send(body).expect(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors).toEqual([{ field, message: expect.stringMatching(message) }]);
  });

  it('records events in its own site, and finds no zone of another site or client', async () => {
    const res = await event('alpha-hq.1f-restroom').expect(201);
    expect(res.body).toMatchObject({ zone: 'alpha-hq.1f-restroom', kind: 'refill', source: 'api' });
    await event('alpha-branch.entrance').expect(404);
    await event('beta-hq.1f-restroom').expect(404);
    // The same event from a manager of the client is fine in either site.
    await event('alpha-branch.entrance', manager).expect(201);
    const stored = await sut.dataSource.query<Array<{ zone: string }>>(
      `SELECT z.key AS zone FROM service_events e JOIN zones z ON z.id = e.zone_id WHERE e.source = 'api' ORDER BY z.key`,
    );
    expect(stored).toEqual([{ zone: '1f-restroom' }, { zone: 'entrance' }]);
  });

  it("lists, acknowledges and resolves incidents of its own site only; another site's is not found", async () => {
    const own = (await request(sut.http).post('/api/v1/zones/alpha-hq.1f-restroom/incidents').set(as(manager)).send({ category: 'spill' }).expect(201)).body as { id: string };
    const other = (await request(sut.http).post('/api/v1/zones/alpha-branch.entrance/incidents').set(as(manager)).send({ category: 'spill' }).expect(201)).body as { id: string };

    const listed = await request(sut.http).get('/api/v1/incidents').set(as(handheld)).expect(200);
    expect(listed.body.items.map((i: { id: string }) => i.id)).toEqual([own.id]);
    await request(sut.http).get(`/api/v1/incidents/${other.id}`).set(as(handheld)).expect(404);
    for (const action of ['ack', 'resolve']) await request(sut.http).post(`/api/v1/incidents/${other.id}/${action}`).set(as(handheld)).expect(404);
    const untouched = await request(sut.http).get(`/api/v1/incidents/${other.id}`).set(as(manager)).expect(200);
    expect(untouched.body).toMatchObject({ status: 'open', acknowledgedAt: null, resolvedAt: null });

    const keyId = (await sut.dataSource.query<Array<{ id: string }>>(`SELECT id FROM api_keys WHERE role = 'device'`))[0].id;
    const acked = await request(sut.http).post(`/api/v1/incidents/${own.id}/ack`).set(as(handheld)).expect(200);
    expect(acked.body).toMatchObject({ status: 'acknowledged', acknowledgedBy: `key:${keyId}` });
    const resolved = await request(sut.http).post(`/api/v1/incidents/${own.id}/resolve`).set(as(handheld)).expect(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', resolvedBy: `key:${keyId}` });
  });

  it('reads tasks of its own site only, and nothing a manager or viewer reads', async () => {
    const range = { from: minutesAgo(24 * 60), to: minutesAgo(0) };
    await request(sut.http).get('/api/v1/tasks').query({ ...range, site: 'alpha-hq' }).set(as(handheld)).expect(200);
    await request(sut.http).get('/api/v1/tasks').query({ ...range, site: 'alpha-branch' }).set(as(handheld)).expect(404);
    await request(sut.http).get('/api/v1/tasks').query({ ...range, zone: 'alpha-branch.entrance' }).set(as(handheld)).expect(404);
    for (const path of ['/api/v1/sites', '/api/v1/ratings', '/api/v1/readings', '/api/v1/sla-facts', '/api/v1/dead-letters']) {
      const res = await request(sut.http).get(path).query({ from: minutesAgo(60), to: minutesAgo(0) }).set(as(handheld));
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
    }
    await request(sut.http).post('/api/v1/zones/alpha-hq.1f-restroom/incidents').set(as(handheld)).send({ category: 'spill' }).expect(403);
  });
});
