import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MOSQUITTO_BINARY, startMosquitto as startWithConfig } from '../../bench/support';

/** A Mosquitto of the test's own, on a free port, with the project's configuration, in a temporary folder. */
export async function startMosquitto(binary = MOSQUITTO_BINARY): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'xla-mosquitto-'));
  const broker = await startWithConfig(binary, dir);
  return {
    url: broker.url,
    stop: async () => {
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
