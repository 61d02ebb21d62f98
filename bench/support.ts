/** What the benchmarks share: the repository root, forked role children, machine CPU, rounding. */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..');

export const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Share of all cores busy, from /proc/stat (Linux); undefined elsewhere. */
export function cpuTicks(): { busy: number; total: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    return { busy: total - fields[3] - (fields[4] ?? 0), total };
  } catch {
    return undefined;
  }
}

type ChildMessage = { type: string; message?: string };

/**
 * Forks the compiled copy of a bench in one of its roles and resolves with the child and its first
 * message once that is `readyType`. The child's logs are discarded (the cost of writing them is kept); its errors are shown.
 */
export function forkRole<M extends ChildMessage>(compiled: string, role: string, env: Record<string, string>, readyType: M['type'], label = role): Promise<{ child: ChildProcess; ready: M }> {
  const child = fork(compiled, ['--role', role], {
    env: { ...process.env, ...env, NODE_PATH: join(ROOT, 'node_modules') },
    execArgv: [],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolvePromise, reject) => {
    child.once('exit', (code) => reject(new Error(`${label} exited with code ${code} before it was ready`)));
    child.once('message', (message: M) => {
      if (message.type === readyType) resolvePromise({ child, ready: message });
      else reject(new Error(`${label}: ${message.type === 'failed' ? message.message : 'unexpected message'}`));
    });
  });
}

/** Asks a role child to stop over IPC, killing it if it has not gone within 15 s. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolvePromise();
    });
    child.send({ type: 'stop' });
  });
}
