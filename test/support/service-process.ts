import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { pollUntil } from './test-app';

// The built service (`npm test` builds it first), run as a person would: `node dist/src/main.js`.
const MAIN = join(__dirname, '..', '..', 'dist', 'src', 'main.js');

export function runService(env: Record<string, string | undefined>) {
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', MQTT_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  return { child, exited, output: () => output };
}

/** Waits until the service on this port answers /health with 200, and returns the body. */
export function healthy(port: number) {
  return pollUntil(
    async () => {
      const res = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
      return res?.status === 200 ? ((await res.json()) as { info: Record<string, { status: string }> }) : undefined;
    },
    60_000,
    200,
  );
}

/** Runs a built CLI (dist/src/cli/<name>.js) and collects what it prints; stdout as bytes too (a PDF). */
export async function runBuiltCli(name: string, args: string[], env: Record<string, string | undefined>) {
  const child = spawn(process.execPath, [join(__dirname, '..', '..', 'dist', 'src', 'cli', `${name}.js`), ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  const bytes = Buffer.concat(out);
  return { code, stdout: bytes.toString(), bytes, stderr };
}
