import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertDataDirFree, DataDirInUseError, describeHolder, LOCK_STALE_MS, lockDataDir, type DataDirLock, type LockHolder } from './data-dir-lock';

const failOnCompromise = (error: Error) => {
  throw error;
};

/** A holder record as another process would have left it. */
const holderOf = (overrides: Partial<LockHolder> = {}): LockHolder => ({ name: 'service', pid: 4242, host: hostname(), startedAt: '2030-01-01T00:00:00.000Z', ...overrides });

/** A lock left by a process that is gone, its directory last refreshed `ageMs` ago. */
function leaveLock(dataDir: string, holder: LockHolder, ageMs: number): void {
  mkdirSync(join(dataDir, 'process.lock'), { recursive: true });
  writeFileSync(join(dataDir, 'process.json'), JSON.stringify(holder));
  const at = new Date(Date.now() - ageMs);
  utimesSync(join(dataDir, 'process.lock'), at, at);
}

/** The pid of a process that has exited. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
}

describe(lockDataDir.name, () => {
  let dataDir: string;
  let sut: DataDirLock | undefined;
  beforeEach(() => {
    dataDir = join(mkdtempSync(join(tmpdir(), 'xla-lock-unit-')), 'data');
  });
  afterEach(async () => {
    await sut?.release();
    sut = undefined;
    rmSync(join(dataDir, '..'), { recursive: true, force: true });
  });

  it('creates DATA_DIR, holds it, and records who holds it', async () => {
    sut = await lockDataDir(dataDir, 'apikey:create', { onCompromised: failOnCompromise });

    expect(existsSync(join(dataDir, 'process.lock'))).toBe(true);
    expect(JSON.parse(readFileSync(join(dataDir, 'process.json'), 'utf8'))).toEqual({ name: 'apikey:create', pid: process.pid, host: hostname(), startedAt: sut.holder.startedAt });
  });

  it('refuses a second holder at once, naming the first with its URL', async () => {
    sut = await lockDataDir(dataDir, 'service', { onCompromised: failOnCompromise });
    sut.describe({ url: 'http://127.0.0.1:3000' });

    const second = lockDataDir(dataDir, 'contracts:sync', { onCompromised: failOnCompromise });

    await expect(second).rejects.toBeInstanceOf(DataDirInUseError);
    await expect(second).rejects.toThrow(`DATA_DIR ${dataDir} is in use by the XLA Monitor service (pid ${process.pid}, http://127.0.0.1:3000), started ${sut.holder.startedAt}`);
  });

  it('is free again once released', async () => {
    const first = await lockDataDir(dataDir, 'contracts:sync', { onCompromised: failOnCompromise });
    await first.release();

    sut = await lockDataDir(dataDir, 'service', { onCompromised: failOnCompromise });

    expect(sut.holder.name).toBe('service');
    expect(existsSync(join(dataDir, 'process.lock'))).toBe(true);
  });

  it('takes over a lock left stale by a killed process', async () => {
    leaveLock(dataDir, holderOf({ pid: deadPid() }), LOCK_STALE_MS + 1_000);

    sut = await lockDataDir(dataDir, 'service', { onCompromised: failOnCompromise });

    expect(JSON.parse(readFileSync(join(dataDir, 'process.json'), 'utf8'))).toMatchObject({ name: 'service', pid: process.pid });
  });

  it('waits for a fresh lock of a process that is gone instead of refusing', async () => {
    leaveLock(dataDir, holderOf({ pid: deadPid() }), LOCK_STALE_MS - 1_500);
    const waited: Array<LockHolder | undefined> = [];

    sut = await lockDataDir(dataDir, 'apikey:create', { onCompromised: failOnCompromise, onWait: (holder) => waited.push(holder) });

    expect(waited).toHaveLength(1);
    expect(sut.holder.pid).toBe(process.pid);
  });

  it('refuses a fresh lock of a live process on another machine even though its pid means nothing here', async () => {
    leaveLock(dataDir, holderOf({ host: 'elsewhere', pid: deadPid() }), 0);

    await expect(lockDataDir(dataDir, 'service', { onCompromised: failOnCompromise })).rejects.toThrow(/in use by the XLA Monitor service \(pid \d+, on elsewhere\)/);
  });
});

describe(assertDataDirFree.name, () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'xla-lock-check-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('passes when nobody holds DATA_DIR, or only a stale lock remains', async () => {
    await expect(assertDataDirFree(dataDir)).resolves.toBeUndefined();
    leaveLock(dataDir, holderOf(), LOCK_STALE_MS + 1_000);
    await expect(assertDataDirFree(dataDir)).resolves.toBeUndefined();
  });

  it('throws, naming the holder, when another process holds it', async () => {
    leaveLock(dataDir, holderOf({ name: 'apikey:create', pid: 777 }), 0);

    await expect(assertDataDirFree(dataDir)).rejects.toThrow(`DATA_DIR ${dataDir} is in use by npm run apikey:create (pid 777), started 2030-01-01T00:00:00.000Z`);
  });

  it('passes when this process holds it', async () => {
    const lock = await lockDataDir(dataDir, 'service', { onCompromised: failOnCompromise });
    try {
      await expect(assertDataDirFree(dataDir)).resolves.toBeUndefined();
    } finally {
      await lock.release();
    }
  });
});

describe(describeHolder.name, () => {
  it('says so when the holder has not recorded itself yet', () => {
    expect(describeHolder(undefined)).toBe('another process (it has not said which yet)');
  });
});
