/**
 * `promise`'s value if it settles within `ms`, or undefined once the time runs out first: the promise goes
 * on, and its later rejection is handled (never an unhandled rejection). A rejection in time is thrown.
 */
export async function within<T>(ms: number, promise: Promise<T>): Promise<{ value: T } | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, ms, undefined)));
  try {
    return await Promise.race([promise.then((value) => ({ value })), late]);
  } finally {
    clearTimeout(timer);
  }
}
