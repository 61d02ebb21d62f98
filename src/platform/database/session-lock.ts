import type { DataSource } from 'typeorm';

/**
 * Runs fn while this process holds a PostgreSQL session advisory lock (`lockClass`, hashtext(`name`)),
 * taken on a connection of its own for the whole run. `wait` queues behind another holder; without
 * it, a lock already taken means fn does not run and the result is undefined. The embedded database
 * is one session in one process: there is nobody to exclude, and a held session would leave fn none.
 */
export async function withSessionLock<T>(dataSource: DataSource, lock: { lockClass: number; name: string; wait: boolean }, fn: () => Promise<T>): Promise<{ value: T } | undefined> {
  if ('driver' in dataSource.options && dataSource.options.driver) return { value: await fn() };
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    if (lock.wait) await runner.query('SELECT pg_advisory_lock($1, hashtext($2))', [lock.lockClass, lock.name]);
    else {
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [lock.lockClass, lock.name])) as Array<{ locked: boolean }>;
      if (!locked) return undefined;
    }
    try {
      return { value: await fn() };
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1, hashtext($2))', [lock.lockClass, lock.name]);
    }
  } finally {
    await runner.release();
  }
}
