import request from 'supertest';
import { startTestApp, type TestApp } from '../support/test-app';

const LIMIT = 4;

describe('Rate limit on the public endpoints', () => {
  let sut: TestApp;
  let qr: string;
  let kiosk: string;
  let nextAddress = 1;

  beforeAll(async () => {
    // TRUST_PROXY lets each test speak from client addresses of its own.
    sut = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: String(LIMIT), TRUST_PROXY: 'true' } });
    qr = await sut.tokenOf('alpha-1f-restroom-qr');
    kiosk = await sut.tokenOf('alpha-branch-kiosk');
  });
  afterAll(() => sut.close());

  const newAddress = () => `198.51.100.${nextAddress++}`;
  const ratePage = (address: string) => request(sut.http).get(`/r/${qr}`).set('X-Forwarded-For', address);

  it('counts every rate-limited route against one allowance per client address', async () => {
    const address = newAddress();
    const calls = [
      () => request(sut.http).get(`/r/${qr}`),
      () => request(sut.http).get(`/r/${qr}/report`),
      () => request(sut.http).get(`/k/${kiosk}`),
      () => request(sut.http).post('/api/v1/ratings').send({ token: qr, score: 3 }),
      () => request(sut.http).get(`/r/${qr}/report`),
    ];
    const statuses: number[] = [];
    for (const call of calls) statuses.push((await call().set('X-Forwarded-For', address)).status);
    expect(statuses).toEqual([200, 200, 200, 201, 429]);
    // Another address has an allowance of its own.
    await ratePage(newAddress()).expect(200);
  });

  it('answers past the limit with a rate-limited problem that says when to try again, and Retry-After', async () => {
    const address = newAddress();
    for (let i = 0; i < LIMIT; i++) await ratePage(address).expect(200);
    const res = await ratePage(address).expect(429);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(res.body).toEqual({
      type: 'urn:xla-monitor:problem:rate-limited',
      title: 'Too Many Requests',
      status: 429,
      detail: `Too many requests from this address; try again in ${retryAfter} second${retryAfter === 1 ? '' : 's'}.`,
      instance: `/r/${qr}`,
      correlationId: expect.any(String),
    });
  });
});
