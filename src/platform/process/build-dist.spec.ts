import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDistCurrent } from './build-dist';

const HOUR = 3_600_000;

/** A project folder whose sources and folders were last changed at `changedAt`. */
function projectChangedAt(root: string, changedAt: number): void {
  mkdirSync(join(root, 'src', 'cli'), { recursive: true });
  mkdirSync(join(root, 'migrations'), { recursive: true });
  writeFileSync(join(root, 'src', 'cli', 'apikey-create.ts'), '');
  const at = new Date(changedAt);
  for (const path of ['src/cli/apikey-create.ts', 'src/cli', 'src', 'migrations']) utimesSync(join(root, path), at, at);
}

describe(isDistCurrent.name, () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'xla-build-'));
    projectChangedAt(root, Date.now() - 2 * HOUR);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const stampAt = (readAt: number) => {
    mkdirSync(join(root, 'dist'), { recursive: true });
    writeFileSync(join(root, 'dist', '.build-stamp'), String(readAt));
  };

  it('is false without a build', () => {
    expect(isDistCurrent(root)).toBe(false);
  });

  it('is true when the sources were read after their last change', () => {
    stampAt(Date.now() - HOUR);
    expect(isDistCurrent(root)).toBe(true);
  });

  it('is false once a source file changes', () => {
    stampAt(Date.now() - HOUR);
    writeFileSync(join(root, 'src', 'cli', 'apikey-create.ts'), '// edited');
    expect(isDistCurrent(root)).toBe(false);
  });

  it('is false once a file is removed (its folder changes)', () => {
    stampAt(Date.now() - HOUR);
    rmSync(join(root, 'src', 'cli', 'apikey-create.ts'));
    expect(isDistCurrent(root)).toBe(false);
  });
});
