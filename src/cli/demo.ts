import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

// npm run demo: the service, and once it answers /health, the simulator feeding its broker gently.
// Both run in their own process groups, so Ctrl-C reaches each exactly once — through here.
const env = process.env;
// With MQTT_AUTH on (the default) the simulated devices need credentials, which the simulator issues through
// the API with an admin key: the one configured, or one made up for this run (never printed).
const deviceAuth = env.MQTT_AUTH !== 'off';
const adminKey = env.ADMIN_API_KEY ?? randomBytes(24).toString('base64url');
const service = spawn(process.execPath, [join(__dirname, '..', 'main.js')], { stdio: 'inherit', detached: true, env: { ...env, ADMIN_API_KEY: adminKey } });

const port = env.PORT ?? '3000';
const mqttPort = env.MQTT_PORT ?? '1883';
const host = !env.HOST || env.HOST === '0.0.0.0' || env.HOST === '::' ? '127.0.0.1' : env.HOST;
let simulator: ChildProcess | undefined;
if (port === '0' || (!env.MQTT_URL && mqttPort === '0')) {
  process.stderr.write('demo: PORT=0 or MQTT_PORT=0 picks a port the simulator cannot know; running the service without it.\n');
} else {
  const apiUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const args = ['--mqtt-url', env.MQTT_URL ?? `mqtt://127.0.0.1:${mqttPort}`, '--wait-for', `${apiUrl}/health`, '--rate', '20', '--speed', '144', '--quiet'];
  if (deviceAuth) args.push('--api-url', apiUrl);
  // The key goes through the environment, not the command line that `ps` shows.
  simulator = spawn(process.execPath, [join(__dirname, 'simulate.js'), ...args], { stdio: ['ignore', 'ignore', 'inherit'], detached: true, env: { ...env, XLA_API_KEY: adminKey } });
  simulator.on('exit', (code) => {
    if (code) process.stderr.write(`demo: the simulator stopped (exit code ${code}); the service goes on.\n`);
  });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    simulator?.kill('SIGTERM');
    service.kill(signal);
  });
}

service.on('exit', (code, signal) => {
  simulator?.kill('SIGTERM');
  if (signal) process.kill(process.pid, signal);
  process.exitCode = code ?? 1;
});
