import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Response as SuperagentResponse } from 'superagent';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { register } from 'prom-client';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app';
import { ApiKeysService } from '../../src/auth/api-keys.service';
import { clientRole } from '../../src/dashboards/reporting-roles';
import type { Role } from '../../src/platform/access/roles';
import { loadConfig, type AppConfig } from '../../src/platform/config/app-config';
import { traceShutdown } from './shutdown-trace';

export const FIXTURE_CONTRACTS = join(__dirname, '..', 'fixtures', 'contracts');
/** Gamma's contract (three sites in three time zones) for the scoring tests. */
export const SCORING_CONTRACTS = join(__dirname, '..', 'fixtures', 'scoring');

/** A temporary copy of the fixture contracts (and more contract folders) that a test may edit; remove it with rmSync. */
export function fixtureContracts(name: string, ...more: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), `xla-${name}-`));
  for (const folder of [FIXTURE_CONTRACTS, ...more]) cpSync(folder, dir, { recursive: true });
  return dir;
}

/** The scorecard's hand-counted objectives (scorecard.e2e-spec.ts), for Gamma and Alpha. */
export const SCORECARD_OBJECTIVES = {
  gamma: `objectives:
  - { key: restroom-csat, kind: xla, indicator: csat, target: 0.85, scope: { zoneTypes: [restroom] }, weight: 2 }
  - { key: entrance-csat, kind: xla, indicator: csat, target: 0.9, scope: { zoneTypes: [entrance] } }
  - { key: cleaning-on-time, kind: sla, indicator: cleaning_on_time, target: 0.9, minSample: 20 }
`,
  alpha: `objectives:
  - { key: restroom-csat, kind: xla, indicator: csat, target: 0.85, scope: { zoneTypes: [restroom] } }
`,
};

/** The fixture and scoring contracts, Gamma and Alpha with the scorecard's objectives; remove it with rmSync. */
export function scorecardContracts(name: string): string {
  const dir = fixtureContracts(name, SCORING_CONTRACTS);
  appendFileSync(join(dir, 'gamma.yaml'), SCORECARD_OBJECTIVES.gamma);
  appendFileSync(join(dir, 'alpha.yaml'), SCORECARD_OBJECTIVES.alpha);
  return dir;
}

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  http: ReturnType<NestFastifyApplication['getHttpServer']>;
  dataSource: DataSource;
  /** A new API key; a device key (a handheld) needs its site too. */
  keyFor(role: Role, clientKey?: string, siteKey?: string): Promise<string>;
  /** The QR/kiosk token of a touchpoint, by its key. */
  tokenOf(touchpointKey: string): Promise<string>;
  /** Stops the app but keeps its database and data folder, for restart tests. */
  stop(): Promise<void>;
  /** Stops the app and drops its database and data folder. */
  close(): Promise<void>;
}

export interface Storage {
  dataDir: string;
  databaseUrl?: string;
  drop(): Promise<void>;
}

/**
 * A fresh storage for one test file: a new database on the real server when DATABASE_URL is set
 * (CI), embedded PGlite in a temporary folder otherwise.
 */
export async function freshStorage(): Promise<Storage> {
  const dataDir = mkdtempSync(join(tmpdir(), 'xla-test-'));
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    return { dataDir, drop: () => Promise.resolve(rmSync(dataDir, { recursive: true, force: true })) };
  }
  const name = `xla_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    dataDir,
    databaseUrl: url.toString(),
    drop: async () => {
      // Roles are the server's, not the database's: its clients' reporting roles go once it has gone.
      const own = new Client({ connectionString: url.toString() });
      await own.connect();
      const { rows } = await own.query<{ id: string }>(`SELECT id FROM clients`).catch(() => ({ rows: [] as Array<{ id: string }> }));
      await own.end();
      const client = new Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      for (const { id } of rows) await client.query(`DROP ROLE IF EXISTS ${clientRole(id)}`);
      await client.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function testConfig(storage: Storage, env: Record<string, string | undefined> = {}): AppConfig {
  return loadConfig({
    PORT: '0',
    MQTT_PORT: '0',
    LOG_LEVEL: 'silent',
    CONTRACTS_DIR: FIXTURE_CONTRACTS,
    DATA_DIR: storage.dataDir,
    DATABASE_URL: storage.databaseUrl,
    MQTT_URL: process.env.MQTT_URL,
    // Test apps share the real broker in CI: a prefix of their own keeps their topics apart.
    MQTT_TOPIC_PREFIX: `test-${Math.random().toString(36).slice(2, 10)}/xla/v1`,
    ...env,
  });
}

/** Boots the real AppModule (migrations, contract sync, MQTT) on fresh or given storage. */
export async function startTestApp(options: { storage?: Storage; env?: Record<string, string | undefined> } = {}): Promise<TestApp> {
  const storage = options.storage ?? (await freshStorage());
  const config = testConfig(storage, options.env);
  register.clear();
  const app = await createApp(config, { bufferLogs: false });
  try {
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  } catch (error) {
    await app.close().catch(() => undefined);
    if (!options.storage) await storage.drop();
    throw error;
  }
  traceShutdown(app);
  const stop = async () => {
    await app.close();
    register.clear();
  };
  const dataSource = app.get(DataSource);
  return {
    app,
    config,
    http: app.getHttpServer(),
    dataSource,
    keyFor: async (role, clientKey, siteKey) => (await app.get(ApiKeysService).create({ role, clientKey, siteKey })).key,
    tokenOf: async (touchpointKey) => {
      const [row] = await dataSource.query<Array<{ token: string }>>('SELECT token FROM touchpoints WHERE key = $1', [touchpointKey]);
      return row.token;
    },
    stop,
    close: async () => {
      await stop();
      await storage.drop();
    },
  };
}

/** Polls until the check passes or the time is up; no fixed sleeps in tests. */
export async function pollUntil<T>(check: () => Promise<T | undefined | false>, timeoutMs = 10_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`pollUntil: condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export { freePort } from '../../bench/support';

/** A supertest parser that keeps the body as bytes (a PDF): `.buffer(true).parse(asBytes)`, the body a Buffer. */
export function asBytes(res: SuperagentResponse, done: (error: Error | null, body: unknown) => void): void {
  // In Node, what superagent hands a parser is the response stream.
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}
