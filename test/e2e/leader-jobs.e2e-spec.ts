import { LeaderJobs } from '../../src/platform/database/leader-job';
import { Clock } from '../../src/platform/clock';
import { PARTITIONS_JOB, PartitionsJob } from '../../src/telemetry/partitions.job';
import { freshStorage, startTestApp, testConfig, type Storage, type TestApp } from '../support/test-app';

const DAY_MS = 86_400_000;

/** A run that stays open until released, so a second caller can come while it runs. */
function heldRun() {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let started!: () => void;
  const running = new Promise<void>((r) => (started = r));
  return { release, running, fn: () => (started(), released) };
}

// Two instances on one database need a database server (CI); embedded PGlite is one process, so there the
// "other instance" is a second caller in the same app, as two cron ticks of one process would be.
describe(LeaderJobs.name, () => {
  let storage: Storage;
  let first: TestApp;
  let second: TestApp;
  const instances = () => (first === second ? [first] : [first, second]);
  const lastTick = async (job: string) =>
    (await first.dataSource.query<Array<{ tick: Date }>>(`SELECT tick FROM leader_job_runs WHERE job = $1`, [job])).map((r) => new Date(r.tick).toISOString());

  beforeAll(async () => {
    storage = await freshStorage();
    first = await startTestApp({ storage });
    second = process.env.DATABASE_URL ? await startTestApp({ storage }) : first;
  });
  afterAll(async () => {
    if (second !== first) await second.stop();
    await first.close();
  });

  it('runs a tick once when two callers ask for it together', async () => {
    const tick = new Date('2030-01-01T00:00:00Z');
    let runs = 0;
    const fn = () => Promise.resolve(runs++);
    const ran = await Promise.all([first.app.get(LeaderJobs).runAsLeader('test:together', tick, fn), second.app.get(LeaderJobs).runAsLeader('test:together', tick, fn)]);
    expect(ran.sort()).toEqual([false, true]);
    expect(runs).toBe(1);
    await expect(lastTick('test:together')).resolves.toEqual([tick.toISOString()]);
  });

  it('runs a tick once when the second caller comes after the first has finished, and runs the next tick', async () => {
    const sut = first.app.get(LeaderJobs);
    const other = second.app.get(LeaderJobs);
    const tick = new Date('2030-01-01T01:00:00Z');
    let runs = 0;
    const fn = () => Promise.resolve(runs++);
    await expect(sut.runAsLeader('test:late', tick, fn)).resolves.toBe(true);
    await expect(other.runAsLeader('test:late', tick, fn)).resolves.toBe(false);
    // A caller whose clock is behind does not run a tick older than the last one.
    await expect(other.runAsLeader('test:late', new Date(tick.getTime() - 60_000), fn)).resolves.toBe(false);
    await expect(other.runAsLeader('test:late', new Date(tick.getTime() + 60_000), fn)).resolves.toBe(true);
    expect(runs).toBe(2);
  });

  it('lets no tick start while the previous one still runs, and keeps jobs apart', async () => {
    const sut = first.app.get(LeaderJobs);
    const other = second.app.get(LeaderJobs);
    const tick = new Date('2030-01-02T00:00:00Z');
    const held = heldRun();
    const slow = sut.runAsLeader('test:slow', tick, held.fn);
    await held.running;
    try {
      await expect(other.runAsLeader('test:slow', new Date(tick.getTime() + DAY_MS), () => Promise.resolve())).resolves.toBe(false);
      await expect(other.runAsLeader('test:other-job', tick, () => Promise.resolve())).resolves.toBe(true);
    } finally {
      held.release();
    }
    await expect(slow).resolves.toBe(true);
    await expect(lastTick('test:slow')).resolves.toEqual([tick.toISOString()]);
  });

  it('never leads on an instance with JOBS=off (an API instance beside a worker); the worker runs the tick', async () => {
    const apiOnly = new LeaderJobs(first.dataSource, testConfig(storage, { JOBS: 'off' }));
    const tick = new Date('2030-01-03T00:00:00Z');
    let runs = 0;
    const fn = () => Promise.resolve(runs++);
    await expect(apiOnly.runAsLeader('test:api-only', tick, fn)).resolves.toBe(false);
    expect(runs).toBe(0);
    await expect(lastTick('test:api-only')).resolves.toEqual([]);
    await expect(second.app.get(LeaderJobs).runAsLeader('test:api-only', tick, fn)).resolves.toBe(true);
    expect(runs).toBe(1);
  });

  it('runs the partitions job on one instance per tick, however the instances fire', async () => {
    let now = new Date(Date.now() + 3 * DAY_MS);
    for (const instance of instances()) jest.spyOn(instance.app.get(Clock), 'now').mockImplementation(() => now);
    const tickAll = () => Promise.all([first.app.get(PartitionsJob).maintain(), second.app.get(PartitionsJob).maintain()]);

    await expect(tickAll()).resolves.toEqual(expect.arrayContaining([true, false]));
    // The same tick again, as an instance whose cron fired late would: nobody runs it.
    await expect(tickAll()).resolves.toEqual([false, false]);
    const dayOf = (at: Date) => new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS).toISOString();
    await expect(lastTick(PARTITIONS_JOB)).resolves.toEqual([dayOf(now)]);

    now = new Date(now.getTime() + DAY_MS);
    await expect(tickAll()).resolves.toEqual(expect.arrayContaining([true, false]));
    await expect(lastTick(PARTITIONS_JOB)).resolves.toEqual([dayOf(now)]);
  });
});
