import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { freePort, pollUntil } from './test-app';

const PROJECT_CONFIG = join(__dirname, '..', '..', 'config', 'mosquitto', 'mosquitto.conf');

/**
 * A Mosquitto of the test's own, on a free port, with the project's configuration (its queue limits
 * are what the no-loss tests are about; the machine's broker keeps Mosquitto's defaults).
 */
export async function startMosquitto(binary = '/usr/sbin/mosquitto'): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'xla-mosquitto-'));
  const config = readFileSync(PROJECT_CONFIG, 'utf8')
    .replace(/^listener .*$/m, `listener ${port} 127.0.0.1`)
    .replace(/^persistence_location .*$/m, `persistence_location ${dir}/`)
    .concat('\nuser root\n');
  writeFileSync(join(dir, 'mosquitto.conf'), config);
  const child: ChildProcess = spawn(binary, ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
  const url = `mqtt://127.0.0.1:${port}`;
  await pollUntil(async () => {
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 500 }).catch(() => undefined);
    await client?.endAsync();
    return client ? true : undefined;
  }, 10_000, 100);
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
