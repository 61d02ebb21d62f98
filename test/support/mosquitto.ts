import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MOSQUITTO_BINARY, startMosquitto as startWithConfig, type StartedMosquitto } from '../../bench/support';

/**
 * A Mosquitto of the test's own, on a free port, with the project's configuration (or `settings` in
 * place of some of it), in a temporary folder: devices authenticate through the dynamic security
 * plugin, `url` carries the service's own (admin) credential, `deviceUrl` none.
 */
export async function startMosquitto(
  options: { binary?: string; settings?: Record<string, string | number>; anonymous?: boolean } = {},
): Promise<Omit<StartedMosquitto, 'pid'>> {
  const dir = mkdtempSync(join(tmpdir(), 'xla-mosquitto-'));
  const broker = await startWithConfig(options.binary ?? MOSQUITTO_BINARY, dir, options.settings, { anonymous: options.anonymous });
  return {
    url: broker.url,
    deviceUrl: broker.deviceUrl,
    stop: async () => {
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
