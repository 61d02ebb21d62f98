import { createHmac } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { PseudonymKeys1764100000000 } from '../../migrations/1764100000000-pseudonym-keys';
import { PseudonymKeysJob } from '../../src/feedback/pseudonym-keys.job';
import { PSEUDONYM_KEY_FILE } from '../../src/feedback/pseudonym-keys.service';
import { pseudonymKey, utcDay } from '../../src/feedback/source-hash';
import { Clock } from '../../src/platform/clock';
import { bruteForceSlash16, dumpContains, dumpDatabase, type Dump } from '../support/pseudonym-attack';
import { startTestApp, type TestApp } from '../support/test-app';

const DAY_MS = 86_400_000;
const SLASH16 = '172.20';
const ALICE = `${SLASH16}.31.7`;
const BOB = `${SLASH16}.200.44`;

/** The derivation before pseudonym_keys: a day key from the secret that app_secrets held. */
const oldDailyKey = (secret: Buffer, day: string) => createHmac('sha256', secret).update(`source-salt:${day}`).digest();

describe('Sender pseudonyms', () => {
  let sut: TestApp;
  let now: Date;
  // Day D is tomorrow by the real clock, so the key the app made at boot is already a past day's then.
  const dayD = utcDay(new Date(Date.now() + DAY_MS));
  const nextDay = utcDay(new Date(Date.parse(dayD) + DAY_MS));
  /** What existed on day D, kept aside as an insider could have: the day's salt and the secret. */
  let keptOnD: { salt: Buffer; secret: Buffer };
  let daysAfterCleanup: string[];
  let dump: Dump;
  let hashesOn: (day: string) => string[];

  const salts = async () =>
    sut.dataSource.query<Array<{ day: string; salt: Uint8Array }>>(`SELECT day::text AS day, salt FROM pseudonym_keys ORDER BY day`);

  beforeAll(async () => {
    // TRUST_PROXY lets the test speak from addresses of its own, as phones behind a proxy do.
    sut = await startTestApp({ env: { TRUST_PROXY: 'true' } });
    const token = await sut.tokenOf('alpha-1f-restroom-qr');
    const rate = (address: string) =>
      request(sut.http).post('/api/v1/ratings').set('X-Forwarded-For', address).send({ token, score: 2 }).expect(201);

    now = new Date(`${dayD}T10:00:00Z`);
    jest.spyOn(sut.app.get(Clock), 'now').mockImplementation(() => now);
    await rate(ALICE);
    await rate(BOB);
    await request(sut.http).post('/api/v1/incidents').set('X-Forwarded-For', BOB).send({ token, category: 'leak' }).expect(201);
    const [onD] = (await salts()).filter((s) => s.day === dayD);
    keptOnD = { salt: Buffer.from(onD.salt), secret: readFileSync(join(sut.config.dataDir, PSEUDONYM_KEY_FILE)) };

    now = new Date(`${nextDay}T00:00:30Z`);
    await sut.app.get(PseudonymKeysJob).forgetPastDays();
    daysAfterCleanup = (await salts()).map((s) => s.day);
    await rate(ALICE);

    dump = await dumpDatabase(sut.dataSource);
    const reports = [
      ...dump.tables.ratings.map((r) => ({ at: r.received_at, hash: r.source_hash })),
      ...dump.tables.incident_reports.map((r) => ({ at: r.reported_at, hash: r.source_hash })),
    ];
    hashesOn = (day) => reports.filter((r) => utcDay(new Date(r.at as string)) === day).map((r) => r.hash as string);
  });
  afterAll(() => sut.close());

  it('destroys the salt of a day once it is over: the dump holds today’s only, and nothing of the old key', async () => {
    expect(daysAfterCleanup).toEqual([]);
    expect((await salts()).map((s) => s.day)).toEqual([nextDay]);
    expect(dump.tables.pseudonym_keys).toHaveLength(1);
    expect(dumpContains(dump, keptOnD.salt)).toBe(false);
    expect(dump.tables.app_secrets.filter((s) => s.name === 'source-hash')).toEqual([]);
  });

  it('keeps the secret out of the database: DATA_DIR/pseudonym.key, 32 random bytes, readable by its owner only', () => {
    expect(keptOnD.secret).toHaveLength(32);
    expect(statSync(join(sut.config.dataDir, PSEUDONYM_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(dumpContains(dump, keptOnD.secret)).toBe(false);
  });

  // Every value of the dump is tried as the key material each derivation needs; jest's timings show the cost.
  describe('a past day’s pseudonyms, attacked with a dump over the whole /16 of the senders', () => {
    it('match no address under the old derivation, any value taken as the secret that app_secrets held', () => {
      const targets = hashesOn(dayD);
      expect(targets).toHaveLength(3);
      expect(dump.materials.length).toBeGreaterThan(50);
      const found = dump.materials.flatMap((material) => bruteForceSlash16(SLASH16, oldDailyKey(material, dayD), targets));
      expect(found).toEqual([]);
    });

    it('match no address under the new derivation, any value taken as the day’s salt, even with the real secret', () => {
      const targets = hashesOn(dayD);
      // The real secret is the best guess at it there is, as if it had leaked along with the dump.
      const found = dump.materials.flatMap((material) => bruteForceSlash16(SLASH16, pseudonymKey(keptOnD.secret, material, dayD), targets));
      expect(found).toEqual([]);
    });

    it('are found by the same attack given the day’s salt and the secret, kept aside before the day ended', () => {
      const found = bruteForceSlash16(SLASH16, pseudonymKey(keptOnD.secret, keptOnD.salt, dayD), hashesOn(dayD));
      expect(found.sort()).toEqual([ALICE, BOB].sort());
    });
  });

  it('reproduces none of today’s pseudonyms from today’s stored salt alone; with the secret outside the database it does', () => {
    const targets = hashesOn(nextDay);
    expect(targets).toHaveLength(1);
    expect(hashesOn(dayD)).not.toContain(targets[0]);
    const salt = Buffer.from(dump.tables.pseudonym_keys[0].salt as Uint8Array);
    for (const key of [salt, oldDailyKey(salt, nextDay), pseudonymKey(Buffer.alloc(0), salt, nextDay), pseudonymKey(salt, salt, nextDay)]) {
      expect(bruteForceSlash16(SLASH16, key, targets)).toEqual([]);
    }
    expect(bruteForceSlash16(SLASH16, pseudonymKey(keptOnD.secret, salt, nextDay), targets)).toEqual([ALICE]);
  });

  it('has a migration that destroys the old database-held key', async () => {
    const migration = new PseudonymKeys1764100000000();
    const runner = sut.dataSource.createQueryRunner();
    await runner.startTransaction();
    try {
      await migration.down(runner);
      await runner.query(`INSERT INTO app_secrets (name, value) VALUES ('source-hash', 'the-old-reversible-secret')`);
      await migration.up(runner);
      await expect(runner.query(`SELECT name FROM app_secrets WHERE name = 'source-hash'`)).resolves.toEqual([]);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });
});
