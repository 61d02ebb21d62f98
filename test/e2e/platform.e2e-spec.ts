import { createServer, type AddressInfo } from 'node:net';
import request from 'supertest';
import { ContractFileError } from '../../src/catalog/contract-file';
import { MqttPortInUseError } from '../../src/platform/mqtt/embedded-broker';
import { freePort, freshStorage, startTestApp, type TestApp } from '../support/test-app';

describe('Platform', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startTestApp();
  });
  afterAll(() => sut.close());

  it('reports database and MQTT up on /health', async () => {
    const res = await request(sut.http).get('/health').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' }, mqtt: { status: 'up' } } });
  });

  it('serves Prometheus metrics', async () => {
    const res = await request(sut.http).get('/metrics').expect(200);
    expect(res.text).toContain('process_cpu_user_seconds_total');
  });

  it('serves the OpenAPI document with the catalog routes', async () => {
    const res = await request(sut.http).get('/docs/openapi.json').expect(200);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/api/v1/sites', '/api/v1/touchpoints/{key}', '/health']));
    await request(sut.http).get('/docs').expect(200);
  });

  it('echoes a correlation id, or makes one', async () => {
    const given = await request(sut.http).get('/health').set('x-request-id', 'abc-123').expect(200);
    expect(given.headers['x-request-id']).toBe('abc-123');
    const made = await request(sut.http).get('/api/v1/sites').expect(401);
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(made.body.correlationId).toBe(made.headers['x-request-id']);
  });

  it('names an unknown query parameter in the 400, not the body', async () => {
    const res = await request(sut.http).get('/api/v1/readings?device=alpha-hq.alpha-1f-soap&bogus=1&also=2').set('Authorization', `Bearer ${await sut.keyFor('admin')}`).expect(400);
    expect(res.body.errors).toEqual([
      { field: 'bogus', message: 'unknown field "bogus"' },
      { field: 'also', message: 'unknown field "also"' },
    ]);
  });

  it('serves a landing page at / that links the docs and health, and no rating page outside the demo', async () => {
    const res = await request(sut.http).get('/').expect(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.text).toContain('href="/docs"');
    expect(res.text).toContain('href="/health"');
    expect(res.text).not.toMatch(/href="\/[rk]\//);
  });

  it('answers unknown routes with problem+json', async () => {
    const res = await request(sut.http).get('/nowhere').expect(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });
});

describe('Platform start-up', () => {
  it('answers 503 on /health while the MQTT broker is unreachable', async () => {
    const port = await freePort();
    const sut = await startTestApp({ env: { MQTT_URL: `mqtt://xla-service:secret@127.0.0.1:${port}` } });
    try {
      const res = await request(sut.http).get('/health').expect(503);
      expect(res.body).toMatchObject({ status: 'error', error: { mqtt: { status: 'down' } }, info: { database: { status: 'up' } } });
    } finally {
      await sut.close();
    }
  });

  it('says how to fix it when the embedded broker port is taken', async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '0.0.0.0', resolve));
    const port = (squatter.address() as AddressInfo).port;
    const storage = await freshStorage();
    try {
      const start = startTestApp({ storage, env: { MQTT_URL: undefined, MQTT_PORT: String(port) } });
      await expect(start).rejects.toThrow(MqttPortInUseError);
      await expect(startTestApp({ storage, env: { MQTT_URL: undefined, MQTT_PORT: String(port) } })).rejects.toThrow(`MQTT_URL=mqtt://127.0.0.1:${port}`);
    } finally {
      squatter.close();
      await storage.drop();
    }
  });

  it('refuses to start with a broken contract file, naming path and line', async () => {
    const start = startTestApp({ env: { CONTRACTS_DIR: `${__dirname}/../fixtures/bad-contracts` } });
    await expect(start).rejects.toThrow(ContractFileError);
  });
});
