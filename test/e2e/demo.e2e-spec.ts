import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURE_CONTRACTS, pollUntil } from '../support/test-app';

const DEMO = join(__dirname, '..', '..', 'dist', 'src', 'cli', 'demo.js');

/** Holds a port as another program would; undefined when something else holds it already (busy either way). */
async function hold(port: number): Promise<Server | undefined> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(undefined));
    server.listen(port, '0.0.0.0', () => resolve(server));
  });
}

describe('npm run demo on a machine where 3000 and 1883 are taken', () => {
  const held: Server[] = [];
  let dataDir: string;

  beforeAll(async () => {
    for (const port of [3000, 1883]) {
      const server = await hold(port);
      if (server) held.push(server);
    }
    dataDir = mkdtempSync(join(tmpdir(), 'xla-demo-'));
  });
  afterAll(async () => {
    await Promise.all(held.map((s) => new Promise((resolve) => s.close(resolve))));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('comes up on other ports, says so, and prints where to go with the key in use', async () => {
    const env = { PATH: process.env.PATH, DATA_DIR: dataDir, CONTRACTS_DIR: FIXTURE_CONTRACTS };
    const demo = spawn(process.execPath, [DEMO], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    demo.stdout.on('data', (d: Buffer) => (output += d.toString()));
    demo.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = once(demo, 'exit');
    try {
      await pollUntil(() => Promise.resolve(/^\s+Stop\s/m.test(output)), 90_000, 100);
      const httpPort = Number(/^\s+Open\s+http:\/\/localhost:(\d+)\//m.exec(output)?.[1]);
      const mqttPort = Number(/^\s+MQTT\s+mqtt:\/\/127\.0\.0\.1:(\d+)/m.exec(output)?.[1]);
      expect(httpPort).toBeGreaterThan(0);
      expect(httpPort).not.toBe(3000);
      expect(mqttPort).toBeGreaterThan(0);
      expect(mqttPort).not.toBe(1883);
      expect(output).toContain('HTTP port 3000 is taken, so the demo uses');
      expect(output).toContain('MQTT port 1883 is taken, so the demo uses');
      expect(output).toMatch(/Simulator\s+running: 20 messages\/s/);

      // The key it prints works, and the landing page links the docs and the demo's pages.
      const key = /^\s+Admin key\s+(\S+)/m.exec(output)?.[1];
      const sites = await fetch(`http://127.0.0.1:${httpPort}/api/v1/sites`, { headers: { Authorization: `Bearer ${key}` } });
      expect(sites.status).toBe(200);
      const landing = await (await fetch(`http://127.0.0.1:${httpPort}/`)).text();
      expect(landing).toContain('href="/docs"');
      const qrPath = /^\s+QR page\s+http:\/\/localhost:\d+(\/r\/\S+)/m.exec(output)?.[1];
      expect(qrPath).toBeDefined();
      expect(landing).toContain(`href="${qrPath}"`);
      expect((await fetch(`http://127.0.0.1:${httpPort}${qrPath}`)).status).toBe(200);
    } finally {
      demo.kill('SIGINT');
      await exited;
    }
  }, 120_000);
});
