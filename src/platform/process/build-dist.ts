import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * npm run build, and the CLIs' "build only when needed" (--if-stale).
 *
 * A running service (and `npm run demo`'s children) load files from dist/, so dist is never deleted
 * under them: the build goes to a folder of its own and then takes dist's place by rename. A stamp in
 * dist records when the sources were read; the CLIs skip the build when nothing under src/ or
 * migrations/ (or .swcrc) changed since.
 */
const DIST = 'dist';
const STAMP = join(DIST, '.build-stamp');
const SOURCES = ['src', 'migrations', '.swcrc'];

/** The newest modification under the sources, in ms: edits, and (through folder mtimes) added and removed files. */
export function newestSourceChange(root: string, sources = SOURCES): number {
  let newest = 0;
  for (const source of sources) {
    const path = join(root, source);
    if (!existsSync(path)) continue;
    newest = Math.max(newest, statSync(path).mtimeMs);
    if (!statSync(path).isDirectory()) continue;
    for (const entry of readdirSync(path, { recursive: true, withFileTypes: true })) {
      newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

/** dist exists and was built from sources no older than what is there now. */
export function isDistCurrent(root: string): boolean {
  const stamp = join(root, STAMP);
  if (!existsSync(stamp)) return false;
  return Number(readFileSync(stamp, 'utf8')) >= newestSourceChange(root);
}

/** Compiles into dist.<pid>.next, stamps it with the time the sources were read, and swaps it in. */
function build(root: string): void {
  const readAt = Date.now();
  const next = join(root, `${DIST}.${process.pid}.next`);
  rmSync(next, { recursive: true, force: true });
  const swc = spawnSync(join(root, 'node_modules', '.bin', 'swc'), ['src', 'migrations', '-d', next, '--config-file', '.swcrc', '--quiet'], { cwd: root, stdio: 'inherit' });
  if (swc.status !== 0) {
    rmSync(next, { recursive: true, force: true });
    throw new Error(`swc failed (exit code ${swc.status ?? swc.signal})`);
  }
  writeFileSync(join(next, '.build-stamp'), String(readAt));
  swapIn(root, next);
}

/** dist is absent only between two renames; a concurrent build that swapped first is simply replaced. */
function swapIn(root: string, next: string): void {
  const old = join(root, `${DIST}.${process.pid}.old`);
  for (let attempt = 0; ; attempt++) {
    rmSync(old, { recursive: true, force: true });
    try {
      renameSync(join(root, DIST), old);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    try {
      renameSync(next, join(root, DIST));
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || attempt >= 5) throw error;
    }
  }
  rmSync(old, { recursive: true, force: true });
}

if (require.main === module) {
  const root = process.cwd();
  if (process.argv.includes('--if-stale') && isDistCurrent(root)) process.exit(0);
  build(root);
}
