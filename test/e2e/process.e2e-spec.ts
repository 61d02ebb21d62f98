import { join } from 'node:path';
import { healthy, runService as run } from '../support/service-process';
import { freePort, freshStorage, type Storage } from '../support/test-app';

// Each test starts the built service, on embedded PGlite a matter of seconds; give a busy machine room.
jest.setTimeout(120_000);

describe('The service process', () => {
  let storage: Storage;
  beforeEach(async () => {
    storage = await freshStorage();
  });
  afterEach(() => storage.drop());

  it('stops at once with a non-zero code and names a bad variable', async () => {
    const sut = run({ PORT: 'abc', DATA_DIR: storage.dataDir });
    expect((await sut.exited).code).toBeGreaterThan(0);
    expect(sut.output()).toContain('PORT: expected a port number from 0 to 65535, got "abc"');
  });

  it('stops with a non-zero code and names path:line of a contract file with a wrong type', async () => {
    const sut = run({ DATA_DIR: storage.dataDir, DATABASE_URL: storage.databaseUrl, PORT: '0', CONTRACTS_DIR: join(__dirname, '..', 'fixtures', 'bad-contracts') });
    expect((await sut.exited).code).toBeGreaterThan(0);
    expect(sut.output()).toMatch(/bad-contracts\/alpha\.yaml:36: sites\.0\.zones\.1\.touchpoints\.0\.scale: expected one of smiley5, smiley4, nps11/);
  });

  it('serves /health, then shuts down cleanly on SIGTERM', async () => {
    const port = await freePort();
    const sut = run({ DATA_DIR: storage.dataDir, DATABASE_URL: storage.databaseUrl, MQTT_URL: process.env.MQTT_URL, PORT: String(port), HOST: '127.0.0.1' });
    try {
      const health = await healthy(port);
      expect(health.info).toMatchObject({ database: { status: 'up' }, mqtt: { status: 'up', auth: 'on' } });
    } finally {
      sut.child.kill('SIGTERM');
    }
    // Nest closes the server and every module, then re-raises SIGTERM, as a signal-terminated process should.
    expect(await sut.exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(sut.output()).not.toMatch(/error/i);
  });
});
