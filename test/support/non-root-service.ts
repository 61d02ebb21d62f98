import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

// The repository, and the parts of it that the container image holds in /app (see the Dockerfile), plus the
// test contracts. Everything else of the repository stays out of sight.
const REPO = join(__dirname, '..', '..');
const APP_PARTS = ['dist', 'node_modules', 'package.json', 'config', 'test/fixtures/contracts'];

/**
 * Assembles the image's application folder at `appDir` and runs `node dist/src/main.js` in it as `uid:gid`,
 * the way the container runs it. Needs root (with the right to make a mount namespace, as CI has).
 *
 * In a mount namespace of the child's own (gone when it exits; the host sees `appDir` empty): a small tmpfs at
 * `appDir` with read-only bind mounts of the repository's parts, then the tmpfs itself made read-only. So the
 * application folder is read-only even for root, and nothing of the repository's path has to be reachable by
 * the user (a CI clone may sit in a 0700 folder). `unshare` and `sh` exec, so the child's pid is the service's.
 */
export function runServiceAs(uid: number, gid: number, appDir: string, env: Record<string, string | undefined>) {
  const script = [
    'set -eu',
    'app=$1; repo=$2; shift 2',
    'mount -t tmpfs -o mode=0755,size=1m xla-app "$app"',
    'for part in $PARTS; do',
    '  if [ -d "$repo/$part" ]; then mkdir -p "$app/$part"; else mkdir -p "$(dirname "$app/$part")"; : > "$app/$part"; fi',
    '  mount --bind "$repo/$part" "$app/$part"',
    '  mount -o remount,ro,bind "$app/$part"',
    'done',
    'mount -o remount,ro "$app"',
    'cd "$app"',
    'exec setpriv --reuid="$RUN_UID" --regid="$RUN_GID" --clear-groups "$@"',
  ].join('\n');
  const child = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', appDir, REPO, process.execPath, 'dist/src/main.js'], {
    // RUN_UID, RUN_GID and PARTS are for the script (the service inherits and ignores them).
    env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', ...env, RUN_UID: String(uid), RUN_GID: String(gid), PARTS: APP_PARTS.join(' ') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  return { child, exited, output: () => output };
}
