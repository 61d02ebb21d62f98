import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { healthy, runBuiltCli, runService } from '../support/service-process';
import { FIXTURE_CONTRACTS, freePort } from '../support/test-app';

// The built service and the built CLIs, each a process of its own, on one DATA_DIR with the embedded database.
jest.setTimeout(180_000);

const ADMIN_KEY = 'data-dir-lock-admin-key-0123456789';

describe('One process per DATA_DIR', () => {
  let dataDir: string;
  let port: number;
  let service: ReturnType<typeof runService>;
  // No DATABASE_URL: the embedded database under DATA_DIR, which two processes must never open together.
  const serviceEnv = () => ({ DATA_DIR: dataDir, CONTRACTS_DIR: FIXTURE_CONTRACTS, ADMIN_API_KEY: ADMIN_KEY, PORT: String(port), HOST: '127.0.0.1', MQTT_PORT: '0' });
  const cliEnv = (adminKey?: string) => ({ DATA_DIR: dataDir, CONTRACTS_DIR: FIXTURE_CONTRACTS, LOG_LEVEL: 'warn', ADMIN_API_KEY: adminKey });
  const inUseByService = () => new RegExp(`DATA_DIR \\S+ is in use by the XLA Monitor service \\(pid ${service.child.pid}, http://127\\.0\\.0\\.1:${port}\\), started `);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'xla-lock-'));
    port = await freePort();
    service = runService(serviceEnv());
    await healthy(port);
  });

  afterAll(async () => {
    service.child.kill('SIGTERM');
    await service.exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  const get = (path: string, key: string) => fetch(`http://127.0.0.1:${port}${path}`, { headers: { Authorization: `Bearer ${key}` } });

  it('apikey:create with ADMIN_API_KEY creates the key through the running service, and the key works', async () => {
    const sut = await runBuiltCli('apikey-create', ['--role', 'client_viewer', '--client', 'alpha'], cliEnv(ADMIN_KEY));

    expect(sut.code).toBe(0);
    expect(sut.stderr).toContain(`through the service at http://127.0.0.1:${port}`);
    const key = sut.stdout.trim();
    expect((await get('/api/v1/sites/alpha-hq', key)).status).toBe(200);
    expect((await get('/api/v1/sites/beta-hq', key)).status).not.toBe(200);
  });

  it('apikey:create without ADMIN_API_KEY exits non-zero, naming the running service and saying how', async () => {
    const sut = await runBuiltCli('apikey-create', ['--role', 'client_viewer', '--client', 'alpha'], cliEnv());

    expect(sut.code).not.toBe(0);
    expect(sut.stdout).toBe('');
    expect(sut.stderr).toMatch(inUseByService());
    expect(sut.stderr).toContain('Run with ADMIN_API_KEY=');
  });

  it('apikey:create with a wrong admin key exits non-zero with the service\'s refusal', async () => {
    const sut = await runBuiltCli('apikey-create', ['--role', 'client_viewer', '--client', 'alpha'], cliEnv('not-the-admin-key-0123456789abcdef'));

    expect(sut.code).not.toBe(0);
    expect(sut.stdout).toBe('');
    expect(sut.stderr).toContain(`The service at http://127.0.0.1:${port} refused to create the key: 401`);
  });

  it('contracts:sync exits non-zero, naming the running service', async () => {
    const sut = await runBuiltCli('contracts-sync', [], cliEnv(ADMIN_KEY));

    expect(sut.code).not.toBe(0);
    expect(sut.stderr).toMatch(inUseByService());
    expect(sut.stderr).toContain('restart it to apply the contracts');
  });

  it('devices:credentials exits non-zero, naming the running service and its credentials API', async () => {
    const sut = await runBuiltCli('devices-credentials', ['--site', 'alpha-hq'], cliEnv(ADMIN_KEY));

    expect(sut.code).not.toBe(0);
    expect(sut.stdout).toBe('');
    expect(sut.stderr).toMatch(inUseByService());
    expect(sut.stderr).toContain(`POST http://127.0.0.1:${port}/api/v1/devices/<site>.<device>/credentials`);
  });

  it('a second service on the same DATA_DIR exits non-zero, naming the first', async () => {
    const second = runService({ ...serviceEnv(), PORT: String(await freePort()) });

    expect((await second.exited).code).toBeGreaterThan(0);
    expect(second.output()).toContain('XLA Monitor did not start.');
    expect(second.output()).toMatch(inUseByService());
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
  });

  it('after a SIGKILL the service starts again on the same DATA_DIR at once, with nothing lost', async () => {
    const created = await runBuiltCli('apikey-create', ['--role', 'client_viewer', '--client', 'beta'], cliEnv(ADMIN_KEY));
    expect(created.code).toBe(0);
    service.child.kill('SIGKILL');
    expect((await service.exited).signal).toBe('SIGKILL');

    service = runService(serviceEnv());
    await healthy(port);

    expect((await get('/api/v1/sites/beta-hq', created.stdout.trim())).status).toBe(200);
  });

  it('once the service has stopped, the CLIs open DATA_DIR themselves', async () => {
    service.child.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(existsSync(join(dataDir, 'process.lock'))).toBe(false);

    const sync = await runBuiltCli('contracts-sync', [], cliEnv());
    const key = await runBuiltCli('apikey-create', ['--role', 'client_viewer', '--client', 'alpha'], cliEnv());

    expect(sync).toMatchObject({ code: 0, stderr: '' });
    expect(key.code).toBe(0);
    service = runService(serviceEnv());
    await healthy(port);
    expect((await get('/api/v1/sites/alpha-hq', key.stdout.trim())).status).toBe(200);
  });
});
