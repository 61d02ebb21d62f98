import { Logger } from '@nestjs/common';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../platform/clock';
import { loadConfig } from '../platform/config/app-config';
import type { DailySalt, PseudonymKeysRepository } from './pseudonym-keys.repository';
import { PSEUDONYM_KEY_FILE, PseudonymKeysService } from './pseudonym-keys.service';

/** The pseudonym_keys table as several instances share it. */
class SharedSalts {
  readonly rows = new Map<string, DailySalt>();
  lookups = 0;
  failNext = false;

  async saltOfDay(day: string, candidate: DailySalt): Promise<DailySalt> {
    this.lookups++;
    await Promise.resolve();
    if (this.failNext) {
      this.failNext = false;
      throw new Error('database away');
    }
    if (!this.rows.has(day)) this.rows.set(day, candidate);
    return this.rows.get(day)!;
  }

  async deleteDaysBefore(day: string): Promise<number> {
    const past = [...this.rows.keys()].filter((d) => d < day);
    past.forEach((d) => this.rows.delete(d));
    return Promise.resolve(past.length);
  }
}

const SECRET = 'a-pseudonym-secret-of-at-least-32-characters';

describe(PseudonymKeysService.name, () => {
  let dataDir: string;
  let db: SharedSalts;
  let now: Date;
  const clock: Clock = { now: () => now };

  const instance = async (env: Record<string, string> = { PSEUDONYM_SECRET: SECRET }) => {
    const sut = new PseudonymKeysService(db as unknown as PseudonymKeysRepository, loadConfig({ DATA_DIR: dataDir, ...env }), clock);
    await sut.onModuleInit();
    return sut;
  };

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    dataDir = mkdtempSync(join(tmpdir(), 'xla-pseudonyms-'));
    db = new SharedSalts();
    now = new Date('2026-11-23T10:00:00Z');
  });
  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('looks the day’s salt up once at start and never again that day, however many ratings come at once', async () => {
    const sut = await instance();
    const lookupsAtStart = db.lookups;
    const evening = new Date('2026-11-23T23:59:59Z');
    const pseudonyms = await Promise.all(Array.from({ length: 100 }, () => sut.pseudonymOf('192.0.2.17', evening)));
    expect(lookupsAtStart).toBe(1);
    expect(db.lookups).toBe(1);
    expect(new Set(pseudonyms).size).toBe(1);
  });

  it('gives one sender one pseudonym on every instance within a day, and another the next day', async () => {
    const [a, b] = await Promise.all([instance(), instance()]);
    const morning = new Date('2026-11-23T06:00:00Z');
    expect(await a.pseudonymOf('192.0.2.17', morning)).toBe(await b.pseudonymOf('192.0.2.17', morning));
    expect(await a.pseudonymOf('192.0.2.18', morning)).not.toBe(await b.pseudonymOf('192.0.2.17', morning));

    now = new Date('2026-11-24T06:00:00Z');
    expect(await b.pseudonymOf('192.0.2.17', now)).toBe(await a.pseudonymOf('192.0.2.17', now));
    expect(await a.pseudonymOf('192.0.2.17', now)).not.toBe(await a.pseudonymOf('192.0.2.17', morning));
  });

  it('gives a client one staff-tag key on every instance and every day, and another client another', async () => {
    const [a, b] = await Promise.all([instance(), instance()]);
    const today = a.staffTagKey('client-a');
    now = new Date('2026-11-30T06:00:00Z');
    a.forgetPastKey();
    await a.deletePastDays();
    expect(a.staffTagKey('client-a').equals(today)).toBe(true);
    expect(b.staffTagKey('client-a').equals(today)).toBe(true);
    expect(a.staffTagKey('client-b').equals(today)).toBe(false);
    expect((await instance({ PSEUDONYM_SECRET: `${SECRET}-other` })).staffTagKey('client-a').equals(today)).toBe(false);
  });

  it('deletes the salts of past days when it first needs a new day’s, so a lookup of the old day finds a new salt', async () => {
    const sut = await instance();
    const yesterday = await sut.pseudonymOf('192.0.2.17', now);
    now = new Date('2026-11-24T00:00:01Z');
    await sut.pseudonymOf('192.0.2.17', now);
    expect([...db.rows.keys()]).toEqual(['2026-11-24']);
    expect(await sut.pseudonymOf('192.0.2.17', new Date('2026-11-23T23:59:59Z'))).not.toBe(yesterday);
  });

  it('forgets its copy of a past day’s key and deletes the salt when the job runs, with no rating to ask for a new day', async () => {
    const sut = await instance();
    now = new Date('2026-11-24T00:00:30Z');
    sut.forgetPastKey();
    await expect(sut.deletePastDays()).resolves.toBe(1);
    expect(db.rows.size).toBe(0);
    const lookups = db.lookups;
    await sut.pseudonymOf('192.0.2.17', new Date('2026-11-23T23:59:59Z'));
    expect(db.lookups).toBe(lookups + 1);
    sut.forgetPastKey();
    await expect(sut.deletePastDays()).resolves.toBe(1);
  });

  it('tries the database again after a failed lookup instead of caching the failure', async () => {
    const sut = await instance();
    now = new Date('2026-11-24T08:00:00Z');
    db.failNext = true;
    await expect(sut.pseudonymOf('192.0.2.17', now)).rejects.toThrow('database away');
    await expect(sut.pseudonymOf('192.0.2.17', now)).resolves.toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('logs an error naming PSEUDONYM_SECRET at start-up when its secret is not the one in use', async () => {
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    await instance();
    expect(errors).not.toHaveBeenCalled();
    await instance({ PSEUDONYM_SECRET: 'another-pseudonym-secret-of-32-characters' });
    expect(errors).toHaveBeenCalledTimes(1);
    expect(errors.mock.calls[0][0]).toContain('PSEUDONYM_SECRET');
  });

  it('without PSEUDONYM_SECRET makes DATA_DIR/pseudonym.key once, 32 bytes for its owner only, and keeps using it', async () => {
    const first = await instance({});
    const path = join(dataDir, PSEUDONYM_KEY_FILE);
    const secret = readFileSync(path);
    expect(secret).toHaveLength(32);
    expect(statSync(path).mode & 0o777).toBe(0o600);

    const restarted = await instance({});
    expect(readFileSync(path)).toEqual(secret);
    expect(await restarted.pseudonymOf('192.0.2.17', now)).toBe(await first.pseudonymOf('192.0.2.17', now));
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    expect(await (await instance()).pseudonymOf('192.0.2.17', now)).not.toBe(await first.pseudonymOf('192.0.2.17', now));
  });

  it('refuses a key file too short to be a secret', async () => {
    await instance({});
    const path = join(dataDir, PSEUDONYM_KEY_FILE);
    rmSync(path);
    writeFileSync(path, 'short', { mode: 0o600 });
    await expect(instance({})).rejects.toThrow(`${path} holds 5 bytes`);
  });
});
