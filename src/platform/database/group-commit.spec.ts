import { GroupCommit } from './group-commit';

describe(GroupCommit.name, () => {
  it('commits everything that arrives in one turn as one batch, and later arrivals in the next', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const sut = new GroupCommit<number, number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await gate;
      return items.map((i) => i * 10);
    });

    const first = [1, 2, 3].map((i) => sut.push(i));
    await new Promise((r) => setImmediate(r));
    const second = [4, 5].map((i) => sut.push(i)); // queued while the first batch commits
    release();

    await expect(Promise.all([...first, ...second])).resolves.toEqual([10, 20, 30, 40, 50]);
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('settles a promise only after its batch committed', async () => {
    let committed = false;
    const sut = new GroupCommit<string, string>(async (items) => {
      await new Promise((r) => setTimeout(r, 5));
      committed = true;
      return items;
    });
    await sut.push('a');
    expect(committed).toBe(true);
  });

  it('retries a failed batch one by one, so only the bad item fails', async () => {
    const sut = new GroupCommit<number, number>((items) => (items.includes(13) ? Promise.reject(new Error('unlucky')) : Promise.resolve(items)));
    const results = await Promise.allSettled([12, 13, 14].map((i) => sut.push(i)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    await expect(sut.push(15)).resolves.toBe(15);
  });

  it('splits the queue into batches of at most maxBatch', async () => {
    const sizes: number[] = [];
    const sut = new GroupCommit<number, number>((items) => {
      sizes.push(items.length);
      return Promise.resolve(items);
    }, 4);
    await Promise.all(Array.from({ length: 10 }, (_, i) => sut.push(i)));
    expect(sizes).toEqual([4, 4, 2]);
  });

  it('lets the first item of an idle queue wait for company when a linger time is set', async () => {
    const batches: number[][] = [];
    const sut = new GroupCommit<number, number>(
      (items) => {
        batches.push(items);
        return Promise.resolve(items);
      },
      100,
      20,
    );
    // Fake timers: on a loaded machine a real 5 ms wait can end after the 20 ms linger.
    jest.useFakeTimers();
    try {
      const first = sut.push(1);
      await jest.advanceTimersByTimeAsync(5);
      const second = sut.push(2);
      expect(batches).toEqual([]);
      await jest.advanceTimersByTimeAsync(20);
      await Promise.all([first, second]);
      expect(batches).toEqual([[1, 2]]);
    } finally {
      jest.useRealTimers();
    }
  });
});
