import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MOSQUITTO_BINARY, startMosquitto as startWithConfig } from '../../bench/support';

/**
 * A Mosquitto of the test's own, on a free port, with the project's configuration (or `settings` in
 * place of some of it), in a temporary folder.
 */
export async function startMosquitto(
  options: { binary?: string; settings?: Record<string, string | number> } = {},
): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'xla-mosquitto-'));
  const broker = await startWithConfig(options.binary ?? MOSQUITTO_BINARY, dir, options.settings);
  return {
    url: broker.url,
    stop: async () => {
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
