import type { INestApplication } from '@nestjs/common';

const HOOKS = ['onModuleDestroy', 'beforeApplicationShutdown', 'onApplicationShutdown'] as const;
/** A hook still running after this long is named on stderr (a test's close that hangs says where). */
const SLOW_MS = 15_000;

interface ProviderWrapper {
  name?: unknown;
  instance?: Record<string, unknown> | null;
}

/**
 * Wraps the shutdown hooks of every provider of a Nest application so that one still running after
 * SLOW_MS is named on stderr, and again when it ends. Reads Nest's container (not public API): a
 * diagnostic for tests only.
 */
export function traceShutdown(app: INestApplication): void {
  const container = (app as unknown as { container?: { getModules(): Map<string, { providers: Map<unknown, ProviderWrapper> }> } }).container;
  if (!container) return;
  const seen = new Set<object>();
  for (const module of container.getModules().values()) {
    for (const wrapper of module.providers.values()) {
      const instance = wrapper.instance;
      if (!instance || typeof instance !== 'object' || seen.has(instance)) continue;
      seen.add(instance);
      for (const hook of HOOKS) {
        const original = instance[hook];
        if (typeof original !== 'function') continue;
        const name = `${instance.constructor?.name ?? String(wrapper.name)}.${hook}`;
        instance[hook] = async function traced(this: unknown, ...args: unknown[]) {
          const started = Date.now();
          const timer = setInterval(() => process.stderr.write(`shutdown: ${name} still running after ${Math.round((Date.now() - started) / 1000)} s\n`), SLOW_MS);
          timer.unref();
          try {
            return await (original as (...a: unknown[]) => unknown).apply(this, args);
          } finally {
            clearInterval(timer);
            if (Date.now() - started >= SLOW_MS) process.stderr.write(`shutdown: ${name} took ${Date.now() - started} ms\n`);
          }
        };
      }
    }
  }
}
