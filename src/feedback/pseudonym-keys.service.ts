import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Clock } from '../platform/clock';
import { AppConfig } from '../platform/config/app-config';
import { PseudonymKeysRepository } from './pseudonym-keys.repository';
import { pseudonymKey, secretVerifier, sourceHash, staffTagKey, utcDay } from './source-hash';

const SECRET_BYTES = 32;
export const PSEUDONYM_KEY_FILE = 'pseudonym.key';

/**
 * Sender pseudonyms. The key of a UTC day comes from that day's random salt, shared by every
 * instance through the database and deleted when the day is over, and a secret kept outside the
 * database (PSEUDONYM_SECRET or DATA_DIR/pseudonym.key). A dump cannot reverse today's hashes
 * without the secret, and nothing at all reverses a past day's.
 */
@Injectable()
export class PseudonymKeysService implements OnModuleInit {
  private readonly logger = new Logger(PseudonymKeysService.name);
  private secret?: { bytes: Buffer; verifier: string; origin: string };
  // A promise, so that the first ratings of a day share one lookup; only the current day is kept.
  private current?: { day: string; key: Promise<Buffer> };
  private readonly staffTagKeys = new Map<string, Buffer>();

  constructor(
    private readonly keys: PseudonymKeysRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** Loads the secret and today's key, so a secret that differs from the other instances' is reported at start-up. */
  async onModuleInit(): Promise<void> {
    const bytes = this.config.pseudonymSecret ? Buffer.from(this.config.pseudonymSecret, 'utf8') : this.secretFile();
    const origin = this.config.pseudonymSecret ? 'PSEUDONYM_SECRET' : join(this.config.dataDir, PSEUDONYM_KEY_FILE);
    this.secret = { bytes, verifier: secretVerifier(bytes), origin };
    await this.keyOf(utcDay(this.clock.now()));
  }

  /** The sender's pseudonym for the UTC day of `at`. One database lookup per day per instance; none per rating after that. */
  async pseudonymOf(address: string, at: Date): Promise<string> {
    return sourceHash(address, await this.keyOf(utcDay(at)));
  }

  /** The key of a client's staff-tag pseudonyms: from the same secret, without a daily salt, so it never changes. */
  staffTagKey(clientId: string): Buffer {
    if (!this.secret) throw new Error('PseudonymKeysService used before module init');
    let key = this.staffTagKeys.get(clientId);
    if (!key) this.staffTagKeys.set(clientId, (key = staffTagKey(this.secret.bytes, clientId)));
    return key;
  }

  /** Drops this instance's copy of a past day's key; every instance must. */
  forgetPastKey(): void {
    if (this.current && this.current.day < utcDay(this.clock.now())) this.current = undefined;
  }

  /** Deletes the salts of the days before today, for all instances; how many were deleted. */
  deletePastDays(): Promise<number> {
    return this.keys.deleteDaysBefore(utcDay(this.clock.now()));
  }

  private keyOf(day: string): Promise<Buffer> {
    if (this.current?.day === day) return this.current.key;
    const key = this.load(day);
    this.current = { day, key };
    // A failed lookup is not cached: the next rating tries again.
    key.catch(() => {
      if (this.current?.key === key) this.current = undefined;
    });
    return key;
  }

  private async load(day: string): Promise<Buffer> {
    if (!this.secret) throw new Error('PseudonymKeysService used before module init');
    const { bytes, verifier, origin } = this.secret;
    // The first instance to need a new day destroys the days before it.
    await this.keys.deleteDaysBefore(day);
    const stored = await this.keys.saltOfDay(day, { salt: randomBytes(SECRET_BYTES), verifier });
    if (stored.verifier !== verifier) {
      this.logger.error(
        `The pseudonym secret of this instance (from ${origin}) is not the one the other instances use for ${day}: ` +
          'its sender pseudonyms will not match theirs, so the misuse filter cannot link one sender across instances. ' +
          'Set PSEUDONYM_SECRET to the same value on every instance (after a deliberate change this clears the next UTC day).',
      );
    }
    return pseudonymKey(bytes, stored.salt, day);
  }

  /** DATA_DIR/pseudonym.key: 32 random bytes made on first start, readable by this user only. */
  private secretFile(): Buffer {
    const path = join(this.config.dataDir, PSEUDONYM_KEY_FILE);
    mkdirSync(this.config.dataDir, { recursive: true });
    // Written aside and linked into place: link() fails if the file exists, so racing starts all keep the first.
    const draft = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(draft, randomBytes(SECRET_BYTES), { mode: 0o600 });
    try {
      linkSync(draft, path);
      this.logger.log(`Made a new pseudonym secret in ${path}; with several instances set PSEUDONYM_SECRET instead`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(draft);
    }
    const secret = readFileSync(path);
    if (secret.length < SECRET_BYTES) {
      throw new Error(`${path} holds ${secret.length} bytes, a pseudonym secret needs ${SECRET_BYTES}: restore it or delete it`);
    }
    if ((statSync(path).mode & 0o077) !== 0) this.logger.warn(`${path} is readable by other users; chmod 600 it`);
    return secret;
  }
}
