import { SharedRateLimitStore } from './shared-rate-limit.store';

const WINDOW_MS = 60_000;

const count = (store: SharedRateLimitStore, key: string) => {
  let result: { current: number; ttl: number } | undefined;
  store.incr(key, (error, res) => {
    if (error) throw error;
    result = res;
  });
  return result!;
};

describe(SharedRateLimitStore.name, () => {
  let sut: SharedRateLimitStore;

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2025-03-01T10:00:00Z') });
    sut = new SharedRateLimitStore({ timeWindow: WINDOW_MS });
  });
  afterEach(() => jest.useRealTimers());

  it('gives every route the same counter per key', () => {
    // The plugin asks for a child store per rate-limited route.
    const routeA = sut.child();
    const routeB = sut.child();
    expect(count(routeA, '203.0.113.1').current).toBe(1);
    expect(count(routeB, '203.0.113.1').current).toBe(2);
    expect(count(sut, '203.0.113.1').current).toBe(3);
    expect(count(routeB, '203.0.113.2').current).toBe(1);
  });

  it('counts in fixed windows and tells how long the current one lasts', () => {
    expect(count(sut, 'a')).toEqual({ current: 1, ttl: WINDOW_MS });
    jest.advanceTimersByTime(45_000);
    expect(count(sut, 'a')).toEqual({ current: 2, ttl: 15_000 });
    jest.advanceTimersByTime(15_000);
    expect(count(sut, 'a')).toEqual({ current: 1, ttl: WINDOW_MS });
  });

  it('uses the time window the plugin passes with each count', () => {
    sut.incr('a', () => undefined, 1_000);
    jest.advanceTimersByTime(1_000);
    expect(count(sut, 'a').current).toBe(1);
  });
});
