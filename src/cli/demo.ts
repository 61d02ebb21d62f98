import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

// npm run demo: the service, and once it answers /health, the simulator feeding its broker gently.
// Both run in their own process groups, so Ctrl-C reaches each exactly once — through here.
const env = process.env;
const service = spawn(process.execPath, [join(__dirname, '..', 'main.js')], { stdio: 'inherit', detached: true });

const port = env.PORT ?? '3000';
const mqttPort = env.MQTT_PORT ?? '1883';
const host = !env.HOST || env.HOST === '0.0.0.0' || env.HOST === '::' ? '127.0.0.1' : env.HOST;
let simulator: ChildProcess | undefined;
if (port === '0' || (!env.MQTT_URL && mqttPort === '0')) {
  process.stderr.write('demo: PORT=0 or MQTT_PORT=0 picks a port the simulator cannot know; running the service without it.\n');
} else {
  const args = ['--mqtt-url', env.MQTT_URL ?? `mqtt://127.0.0.1:${mqttPort}`, '--wait-for', `http://${host}:${port}/health`, '--rate', '20', '--speed', '144', '--quiet'];
  simulator = spawn(process.execPath, [join(__dirname, 'simulate.js'), ...args], { stdio: ['ignore', 'ignore', 'inherit'], detached: true });
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
