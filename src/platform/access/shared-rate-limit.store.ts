import type { FastifyRateLimitStore } from '@fastify/rate-limit';
import { LRUCache } from 'lru-cache';

interface Window {
  count: number;
  endsAt: number;
}

type IncrCallback = Parameters<FastifyRateLimitStore['incr']>[1];

/**
 * Fixed-window counters per key (the client address) for @fastify/rate-limit. The plugin's own store
 * gives each limited route a fresh counter (its `child()` makes a new store); this one returns itself,
 * so every @RateLimited() route draws on the same allowance per address.
 */
export class SharedRateLimitStore implements FastifyRateLimitStore {
  private readonly windows: LRUCache<string, Window>;
  private readonly timeWindow: number;

  /** The plugin passes its own options: a numeric `timeWindow` (ms) and, optionally, `cache` (addresses remembered). */
  constructor(options: { timeWindow?: unknown; cache?: unknown }) {
    this.timeWindow = typeof options.timeWindow === 'number' ? options.timeWindow : 60_000;
    this.windows = new LRUCache({ max: typeof options.cache === 'number' ? options.cache : 5_000 });
  }

  incr(key: string, callback: IncrCallback, timeWindow = this.timeWindow): void {
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      window = { count: 0, endsAt: now + timeWindow };
      this.windows.set(key, window);
    }
    window.count += 1;
    callback(null, { current: window.count, ttl: window.endsAt - now });
  }

  child(): this {
    return this;
  }
}
