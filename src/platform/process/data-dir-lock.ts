import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import lockfile from 'proper-lockfile';

/**
 * One process per DATA_DIR: the service and every CLI that opens the embedded database take this lock.
 *
 * The lock is proper-lockfile's: a directory created atomically inside DATA_DIR whose mtime the holder
 * refreshes every UPDATE_MS. A holder killed with SIGKILL cannot remove it, so a lock older than STALE_MS
 * counts as abandoned and the next process takes it over. Who holds it is written next to it
 * (HOLDER_FILE), so a refusal can name the holder; that file is only read while the lock is held.
 */
export const LOCK_STALE_MS = 8_000;
const UPDATE_MS = 2_000;
const RETRY_EVERY_MS = 500;
const LOCK_DIR = 'process.lock';
const HOLDER_FILE = 'process.json';

/** The service, or the CLI by its npm script name. */
export type HolderName = 'service' | (string & {});

export interface LockHolder {
  name: HolderName;
  pid: number;
  host: string;
  startedAt: string;
  /** The service's HTTP address, once it listens. */
  url?: string;
}

export interface DataDirLock {
  readonly holder: LockHolder;
  /** Adds what is known later (the service's URL) to the holder record. */
  describe(patch: Pick<LockHolder, 'url'>): void;
  release(): Promise<void>;
}

export interface LockOptions {
  /** How long to wait for a live holder to let go; 0 refuses at once. A holder that is gone is always waited for. */
  waitMs?: number;
  /** Told once when the lock is held and this process waits for it. */
  onWait?: (holder: LockHolder | undefined, waitMs: number) => void;
  /** The lock was lost (not refreshed in time, or taken over): the process must stop writing. */
  onCompromised: (error: Error) => void;
}

/** DATA_DIR is held by another process; the message names it. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder | undefined,
  ) {
    super(`DATA_DIR ${dataDir} is in use by ${describeHolder(holder)}`);
    this.name = DataDirInUseError.name;
  }
}

// The DATA_DIRs this process holds, so the embedded database can tell its own lock from another's.
const held = new Set<string>();

/** Takes the lock on DATA_DIR for this process, or throws DataDirInUseError naming the holder. */
export async function lockDataDir(dataDir: string, name: HolderName, options: LockOptions): Promise<DataDirLock> {
  mkdirSync(dataDir, { recursive: true });
  const holder: LockHolder = { name, pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  const release = await acquire(dataDir, options);
  held.add(resolve(dataDir));
  writeHolder(dataDir, holder);
  return {
    holder,
    describe: (patch) => writeHolder(dataDir, Object.assign(holder, patch)),
    release: async () => {
      held.delete(resolve(dataDir));
      await release();
    },
  };
}

/** Throws DataDirInUseError when another process holds DATA_DIR; passes when this process holds it or nobody does. */
export async function assertDataDirFree(dataDir: string): Promise<void> {
  if (held.has(resolve(dataDir))) return;
  const locked = await lockfile.check(dataDir, { lockfilePath: join(dataDir, LOCK_DIR), realpath: false, stale: LOCK_STALE_MS });
  if (locked) throw new DataDirInUseError(dataDir, readHolder(dataDir));
}

/** The holder named in plain words: "the XLA Monitor service (pid 1234, http://127.0.0.1:3000), started …". */
export function describeHolder(holder: LockHolder | undefined): string {
  if (!holder) return 'another process (it has not said which yet)';
  const who = holder.name === 'service' ? 'the XLA Monitor service' : `npm run ${holder.name}`;
  const where = [`pid ${holder.pid}`, holder.host === hostname() ? undefined : `on ${holder.host}`, holder.url].filter(Boolean).join(', ');
  return `${who} (${where}), started ${holder.startedAt}`;
}

/** Tries once; when held, waits for a holder that is gone (its lock turns stale) or for as long as asked. */
async function acquire(dataDir: string, options: LockOptions): Promise<() => Promise<void>> {
  try {
    return await lockOnce(dataDir, options, 0);
  } catch (error) {
    if (!isHeld(error)) throw error;
    const holder = readHolder(dataDir);
    const waitMs = holder && isGone(holder) ? Math.max(options.waitMs ?? 0, LOCK_STALE_MS + 2_000) : (options.waitMs ?? 0);
    if (waitMs <= 0) throw new DataDirInUseError(dataDir, holder);
    options.onWait?.(holder, waitMs);
    return lockOnce(dataDir, options, Math.ceil(waitMs / RETRY_EVERY_MS)).catch((again: unknown) => {
      throw isHeld(again) ? new DataDirInUseError(dataDir, readHolder(dataDir)) : again;
    });
  }
}

function lockOnce(dataDir: string, options: LockOptions, retries: number): Promise<() => Promise<void>> {
  return lockfile.lock(dataDir, {
    lockfilePath: join(dataDir, LOCK_DIR),
    realpath: false,
    stale: LOCK_STALE_MS,
    update: UPDATE_MS,
    retries: { retries, factor: 1, minTimeout: RETRY_EVERY_MS, maxTimeout: RETRY_EVERY_MS },
    onCompromised: options.onCompromised,
  });
}

function isHeld(error: unknown): boolean {
  return (error as NodeJS.ErrnoException)?.code === 'ELOCKED';
}

/** A holder on this machine whose process no longer exists (killed, crashed): its lock will turn stale. */
function isGone(holder: LockHolder): boolean {
  if (holder.host !== hostname() || holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Written whole or not at all (rename), so a reader never sees half a record. */
function writeHolder(dataDir: string, holder: LockHolder): void {
  const path = join(dataDir, HOLDER_FILE);
  writeFileSync(`${path}.${process.pid}.tmp`, `${JSON.stringify(holder)}\n`);
  renameSync(`${path}.${process.pid}.tmp`, path);
}

function readHolder(dataDir: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(join(dataDir, HOLDER_FILE), 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}
