import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURE_CONTRACTS, pollUntil } from '../support/test-app';

const DEMO = join(__dirname, '..', '..', 'dist', 'src', 'cli', 'demo.js');

/**
 * A site open around the clock in a time zone where 23 hours ago was 07:00 (written when the demo replayed
 * only the last day; its 30-day backfill covers that too): six restrooms with a QR code and soap and paper
 * sensors, for tasks and incidents to arrive within minutes.
 */
function alwaysOpenContract(now: Date): string {
  const replayStartUtcHour = new Date(now.getTime() - 23 * 3_600_000).getUTCHours();
  const offset = ((7 - replayStartUtcHour + 24 + 10) % 24) - 10; // -10 … +13
  // IANA's Etc zones count the other way: Etc/GMT-5 is UTC+5.
  const timeZone = offset === 0 ? 'Etc/UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
  const restrooms = Array.from({ length: 6 }, (_, i) => [
    `      - key: wc-${i + 1}`,
    `        name: Restroom ${i + 1}`,
    `        type: restroom`,
    `        touchpoints: [{ key: always-wc-${i + 1}-qr, kind: qr }]`,
    `        devices:`,
    `          - { key: wc-${i + 1}-soap, signals: [soap_level], interval: 5m }`,
    `          - { key: wc-${i + 1}-paper, signals: [paper_level], interval: 5m }`,
  ]);
  return [
    'client: { key: always, name: Always Open Ltd }',
    'contract: { key: always-fm, name: Always FM, provider: Night and Day FM, starts: 2026-01-01 }',
    'sites:',
    '  - key: always-open',
    '    name: Always Open',
    '    city: Anywhere',
    '    country: SE',
    `    timeZone: ${timeZone}`,
    '    language: en',
    '    serviceHours: { mon-sun: "00:00-24:00" }',
    '    cleaning: { restroom: { scheduled: { every: 4h, grace: 30m } } }',
    '    zones:',
    ...restrooms.flat(),
    '',
  ].join('\n');
}

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
  let contractsDir: string;

  beforeAll(async () => {
    for (const port of [3000, 1883]) {
      const server = await hold(port);
      if (server) held.push(server);
    }
    dataDir = mkdtempSync(join(tmpdir(), 'xla-demo-'));
    contractsDir = join(dataDir, 'contracts');
    mkdirSync(contractsDir);
    cpSync(FIXTURE_CONTRACTS, contractsDir, { recursive: true });
    writeFileSync(join(contractsDir, 'always-open.yaml'), alwaysOpenContract(new Date()));
  });
  afterAll(async () => {
    await Promise.all(held.map((s) => new Promise((resolve) => s.close(resolve))));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('comes up on other ports, says so, and prints where to go with the key in use', async () => {
    const env = { PATH: process.env.PATH, DATA_DIR: dataDir, CONTRACTS_DIR: contractsDir };
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
      expect(output).toMatch(/Simulator\s+running: 20 messages\/s live, after replaying the last 30 days/);
      expect(output).toMatch(new RegExp(`^\\s+Scorecard\\s+http://localhost:${httpPort}/api/v1/contracts/always-fm/scorecard\\?window=rolling_30d`, 'm'));

      // The live scorecard page of a share link, which needs no key.
      const livePath = new RegExp(`^\\s+Live page\\s+http://localhost:${httpPort}(/s/\\S+)\\s+\\(always-fm:`, 'm').exec(output)?.[1];
      expect(livePath).toBeDefined();
      const live = await fetch(`http://127.0.0.1:${httpPort}${livePath}`);
      expect(live.status).toBe(200);
      expect(await live.text()).toContain('<h1>Live scorecard</h1>');

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

      // The simulated building keeps the service busy: cleaning tasks, and incidents from sensors and occupants' reports.
      const api = async (path: string) => {
        const res = await fetch(`http://127.0.0.1:${httpPort}${path}`, { headers: { Authorization: `Bearer ${key}` } });
        return res.ok ? ((await res.json()) as { items: Array<Record<string, unknown>> }).items : [];
      };
      const from = new Date(Date.now() - 2 * 86_400_000).toISOString();
      const tasks = await pollUntil(async () => {
        const items = await api(`/api/v1/tasks?site=always-open&from=${from}&to=${new Date().toISOString()}`);
        return items.length > 0 && items;
      }, 180_000, 2_000);
      expect(tasks[0]).toMatchObject({ zone: expect.stringMatching(/^always-open\.wc-\d$/) });
      const incidents = await pollUntil(async () => {
        const items = await api('/api/v1/incidents?site=always-open');
        return items.length > 0 && items;
      }, 180_000, 2_000);
      expect(incidents[0]).toMatchObject({ zone: expect.stringMatching(/^always-open\.wc-\d$/), origin: expect.stringMatching(/^(sensor|report)$/) });

      // The backfill went through the ratings API with the simulated times: a QR rating from weeks ago is stored, and counted.
      await pollUntil(() => Promise.resolve(output.includes('simulate: backfill done')), 400_000, 1_000);
      expect(output).toMatch(/simulate: backfill 15\/30 days/);
      const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString();
      const weeksAgo = new Date(Date.now() - 20 * 86_400_000).toISOString();
      const old = await api(`/api/v1/ratings?site=always-open&from=${monthAgo}&to=${weeksAgo}`);
      expect(old.length).toBeGreaterThan(0);
      expect(old[0]).toMatchObject({ excluded: false });
    } finally {
      demo.kill('SIGINT');
      await exited;
    }
  }, 900_000);
});
