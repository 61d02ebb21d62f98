import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { RatingsService } from '../../src/feedback/ratings.service';
import { startTestApp, type TestApp } from '../support/test-app';

describe('Ratings API', () => {
  let sut: TestApp;
  let tokens: Record<string, string>;
  let sourceCounter = 0;

  beforeAll(async () => {
    // TRUST_PROXY lets each test speak from an address of its own, as phones behind a proxy do.
    sut = await startTestApp({ env: { TRUST_PROXY: 'true' } });
    const rows: Array<{ key: string; token: string }> = await sut.dataSource.query('SELECT key, token FROM touchpoints');
    tokens = Object.fromEntries(rows.map((r) => [r.key, r.token]));
  });
  afterAll(() => sut.close());

  const newSource = () => `10.1.${Math.floor(++sourceCounter / 250)}.${sourceCounter % 250}`;
  const post = (body: unknown, source = newSource()) => request(sut.http).post('/api/v1/ratings').set('X-Forwarded-For', source).send(body as object);
  const restroom = () => tokens['alpha-1f-restroom-qr'];
  const rowsWithId = (id: string): Promise<Array<Record<string, unknown>>> => sut.dataSource.query('SELECT * FROM ratings WHERE submission_id = $1', [id]);

  it('stores a rating with its reasons and a scrubbed comment, and answers 201 with a receipt', async () => {
    const id = randomUUID();
    const res = await post({ token: restroom(), score: 1, reasons: ['no_soap', 'full_bin'], comment: 'Ring 070-123 45 67 or write anna@example.se', id, language: 'sv' });

    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id,
      touchpoint: 'alpha-1f-restroom-qr',
      score: 1,
      polarity: 'negative',
      reasons: ['no_soap', 'full_bin'],
      excluded: false,
      excludedReason: null,
      ratedAt: expect.any(String),
    });
    const [row] = await rowsWithId(id);
    expect(row).toMatchObject({ score: 1, origin: 'qr', reasons: ['no_soap', 'full_bin'], comment: 'Ring [phone] or write [e-mail]', excluded_reason: null });
    expect(JSON.stringify(row)).not.toMatch(/10\.1\.|127\.0\.0\.1|anna@/);
  });

  describe('refuses bad input with problem+json naming the field', () => {
    const cases: Array<[string, () => object, number, string | undefined]> = [
      ['score outside the scale', () => ({ token: restroom(), score: 6 }), 400, 'score'],
      ['score not a whole number', () => ({ token: restroom(), score: 2.5 }), 400, 'score'],
      ['unknown reason', () => ({ token: restroom(), score: 1, reasons: ['no_coffee'] }), 400, 'reasons.0'],
      ['a 10 KB comment', () => ({ token: restroom(), score: 1, comment: 'x'.repeat(10_240) }), 400, 'comment'],
      ['timestamp in the future', () => ({ token: restroom(), score: 4, ts: new Date(Date.now() + 3_600_000).toISOString() }), 400, 'ts'],
      ['timestamp older than a kiosk backlog may be', () => ({ token: restroom(), score: 4, ts: Date.now() - 3 * 24 * 3_600_000 }), 400, 'ts'],
      ['timestamp that is no time', () => ({ token: restroom(), score: 4, ts: 'yesterday' }), 400, 'ts'],
      ['bad id', () => ({ token: restroom(), score: 4, id: 'not a valid id!' }), 400, 'id'],
      ['unknown field', () => ({ token: restroom(), score: 4, stars: 5 }), 400, undefined],
      ['missing score', () => ({ token: restroom() }), 400, 'score'],
      ['unknown token', () => ({ token: 'no-such-token', score: 4 }), 404, undefined],
    ];

    it.each(cases)('%s', async (_name, body, status, field) => {
      const res = await post(body());
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
      if (field) expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    });

    it('malformed JSON', async () => {
      const res = await request(sut.http).post('/api/v1/ratings').set('Content-Type', 'application/json').send('{"token": "x", "score": ');
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('stores nothing for any of them', async () => {
      const [{ n }] = await sut.dataSource.query(`SELECT count(*)::int AS n FROM ratings WHERE score = 6 OR score = 2 OR comment LIKE 'xxxx%'`);
      expect(n).toBe(0);
    });
  });

  it('answers the same id again with the same receipt and stores no second row', async () => {
    const id = randomUUID();
    const first = await post({ token: restroom(), score: 5, id });
    const again = await post({ token: restroom(), score: 5, id });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    await expect(rowsWithId(id)).resolves.toHaveLength(1);
  });

  it('takes the id from the Idempotency-Key header, and refuses a reused id with another score', async () => {
    const id = randomUUID();
    const first = await post({ token: restroom(), score: 4 }).set('Idempotency-Key', id);
    expect(first.status).toBe(201);
    expect(first.body.id).toBe(id);
    const conflicting = await post({ token: restroom(), score: 1 }).set('Idempotency-Key', id);
    expect(conflicting.status).toBe(409);
    expect(conflicting.body.errors).toEqual([expect.objectContaining({ field: 'id' })]);
    await expect(rowsWithId(id)).resolves.toHaveLength(1);
  });

  it('commits concurrent submissions together without losing or doubling any, retries included', async () => {
    const ids = Array.from({ length: 120 }, () => randomUUID());
    const sends = [...ids, ...ids.slice(0, 30)].map((id) => post({ token: tokens['alpha-kitchen-qr'], score: 9, id }));
    const results = await Promise.all(sends);
    expect(results.every((r) => r.status === 201)).toBe(true);
    const [{ n, transactions }] = await sut.dataSource.query(`SELECT count(*)::int AS n, count(DISTINCT xmin::text)::int AS transactions FROM ratings WHERE submission_id = ANY($1)`, [ids]);
    expect(n).toBe(ids.length);
    // Rows written by one transaction share its id (xmin): group commit used far fewer transactions than ratings.
    expect(transactions).toBeLessThan(ids.length / 2);
  });

  it('stores a burst of 50 taps in 10 s from one source, excluding all but the first few', async () => {
    const source = newSource();
    const start = Date.now() - 10_000;
    const taps = Array.from({ length: 50 }, (_, i) => ({ token: restroom(), score: 1, id: randomUUID(), ts: new Date(start + i * 200).toISOString() }));
    for (const tap of taps) expect((await post(tap, source)).status).toBe(201);

    const rows: Array<{ excluded_reason: string | null }> = await sut.dataSource.query(`SELECT excluded_reason FROM ratings WHERE submission_id = ANY($1) ORDER BY rated_at`, [taps.map((t) => t.id)]);
    expect(rows).toHaveLength(50);
    expect(rows.slice(0, 3).every((r) => r.excluded_reason === null)).toBe(true);
    expect(rows.slice(3).every((r) => r.excluded_reason === 'burst')).toBe(true);
  });

  it('leaves imported ratings to the source system: no misuse verdict, and a record seen again is not created again', async () => {
    const ratings = sut.app.get(RatingsService);
    const [{ client_id: clientId }] = await sut.dataSource.query(`SELECT client_id FROM touchpoints WHERE key = 'alpha-1f-restroom-qr'`);
    const t0 = Date.now() - 3_600_000;
    const importOne = (i: number) =>
      ratings.store({ key: 'alpha-1f-restroom-qr', clientId }, { score: 2, id: `legacy-${i}`, ts: new Date(t0 + i * 60_000) }, { origin: 'connector', source: 'connector:legacy' });
    const first = await Promise.all(Array.from({ length: 25 }, (_, i) => importOne(i)));
    expect(first.every((r) => r.created && !r.receipt.excluded)).toBe(true);
    const again = await importOne(3);
    expect(again).toEqual({ created: false, receipt: first[3]?.receipt });
  });

  it('excludes a second kiosk press within seconds of the first', async () => {
    const kiosk = tokens['alpha-branch-kiosk'];
    const t0 = Date.now() - 60_000;
    const first = await post({ token: kiosk, score: 4, id: randomUUID(), ts: new Date(t0).toISOString() });
    const repeat = await post({ token: kiosk, score: 4, id: randomUUID(), ts: new Date(t0 + 1_000).toISOString() });
    const next = await post({ token: kiosk, score: 2, id: randomUUID(), ts: new Date(t0 + 20_000).toISOString() });
    expect([first.body.excludedReason, repeat.body.excludedReason, next.body.excludedReason]).toEqual([null, 'kiosk_repeat', null]);
    const [row] = await rowsWithId(first.body.id);
    expect(row?.origin).toBe('kiosk');
  });

  describe('follow-up answers', () => {
    it('adds reasons and a scrubbed comment to the rating once', async () => {
      const id = randomUUID();
      await post({ token: restroom(), score: 5, id });
      const res = await request(sut.http).post(`/api/v1/ratings/${id}/follow-up`).send({ token: restroom(), reasons: ['clean', 'fresh_smell'], comment: 'Mail me: bo@firma.se' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id, reasons: ['clean', 'fresh_smell'] });
      const [row] = await rowsWithId(id);
      expect(row).toMatchObject({ reasons: ['clean', 'fresh_smell'], comment: 'Mail me: [e-mail]' });

      const retry = await request(sut.http).post(`/api/v1/ratings/${id}/follow-up`).send({ token: restroom(), reasons: ['clean', 'fresh_smell'], comment: 'Mail me: bo@firma.se' });
      expect(retry.status).toBe(200);
      const changed = await request(sut.http).post(`/api/v1/ratings/${id}/follow-up`).send({ token: restroom(), reasons: ['tidy'] });
      expect(changed.status).toBe(409);
    });

    it('refuses an unknown rating and an unknown reason', async () => {
      const unknown = await request(sut.http).post(`/api/v1/ratings/${randomUUID()}/follow-up`).send({ token: restroom(), reasons: ['clean'] });
      expect(unknown.status).toBe(404);
      const id = randomUUID();
      await post({ token: restroom(), score: 2, id });
      const bad = await request(sut.http).post(`/api/v1/ratings/${id}/follow-up`).send({ token: restroom(), reasons: ['no_milk'] });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('reasons.0');
    });
  });

  it('stores a problem report once per id', async () => {
    const id = randomUUID();
    const report = { token: restroom(), category: 'leak', comment: 'Water under the sink', id };
    expect((await request(sut.http).post('/api/v1/incidents').send(report)).status).toBe(201);
    expect((await request(sut.http).post('/api/v1/incidents').send(report)).body).toEqual({ id, category: 'leak' });
    const rows = await sut.dataSource.query('SELECT category, comment FROM incident_reports WHERE submission_id = $1', [id]);
    expect(rows).toEqual([{ category: 'leak', comment: 'Water under the sink' }]);
    expect((await request(sut.http).post('/api/v1/incidents').send({ token: restroom(), category: 'ufo' })).status).toBe(400);
  });

  describe('reading ratings back', () => {
    it("shows a manager their own client's ratings with exclusions, never another client's", async () => {
      await post({ token: tokens['beta-1f-restroom-qr'], score: 3, id: randomUUID() });
      const alpha = await sut.keyFor('fm_manager', 'alpha');
      const res = await request(sut.http).get('/api/v1/ratings?limit=200').set('Authorization', `Bearer ${alpha}`);
      expect(res.status).toBe(200);
      expect(res.body.total).toBeGreaterThan(50);
      expect(res.body.items.every((r: { touchpoint: string }) => r.touchpoint.startsWith('alpha-'))).toBe(true);
      expect(res.body.items.some((r: { excluded: boolean; excludedReason: string }) => r.excluded && r.excludedReason === 'burst')).toBe(true);

      const byTouchpoint = await request(sut.http).get('/api/v1/ratings?touchpoint=alpha-kitchen-qr&limit=200').set('Authorization', `Bearer ${alpha}`);
      expect(byTouchpoint.body.total).toBe(120);
      const foreign = await request(sut.http).get('/api/v1/ratings?touchpoint=beta-1f-restroom-qr').set('Authorization', `Bearer ${alpha}`);
      expect(foreign.body.total).toBe(0);
    });

    it('filters by site and time, and is closed to client viewers and anonymous callers', async () => {
      const admin = await sut.keyFor('admin');
      const future = await request(sut.http).get(`/api/v1/ratings?site=alpha-hq&from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`).set('Authorization', `Bearer ${admin}`);
      expect(future.body.total).toBe(0);
      const hq = await request(sut.http).get('/api/v1/ratings?site=alpha-hq').set('Authorization', `Bearer ${admin}`);
      expect(hq.body.total).toBeGreaterThan(0);
      const viewer = await sut.keyFor('client_viewer', 'alpha');
      expect((await request(sut.http).get('/api/v1/ratings').set('Authorization', `Bearer ${viewer}`)).status).toBe(403);
      expect((await request(sut.http).get('/api/v1/ratings')).status).toBe(401);
    });
  });
});

describe('Ratings API rate limit', () => {
  let sut: TestApp;
  beforeAll(async () => {
    sut = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '3' } });
  });
  afterAll(() => sut.close());

  it('answers 429 with Retry-After and problem+json past the limit, and stores nothing then', async () => {
    const token = await sut.tokenOf('alpha-1f-restroom-qr');
    const statuses: number[] = [];
    let limited: request.Response | undefined;
    for (let i = 0; i < 4; i++) {
      const res = await request(sut.http).post('/api/v1/ratings').send({ token, score: 3 });
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    expect(statuses).toEqual([201, 201, 201, 429]);
    expect(Number(limited?.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited?.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(limited?.body).toMatchObject({ status: 429, title: 'Too Many Requests' });
    const [{ n }] = await sut.dataSource.query('SELECT count(*)::int AS n FROM ratings');
    expect(n).toBe(3);
    // Authenticated APIs are not under the public limit.
    const admin = await sut.keyFor('admin');
    for (let i = 0; i < 5; i++) expect((await request(sut.http).get('/api/v1/clients').set('Authorization', `Bearer ${admin}`)).status).toBe(200);
  });
});
