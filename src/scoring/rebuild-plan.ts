/** Options of `npm run scoring:rebuild -- [--contract K] [--from YYYY-MM-DD --to YYYY-MM-DD]`. */
export interface RebuildArgs {
  contract?: string;
  from?: string;
  to?: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const USAGE = 'usage: npm run scoring:rebuild -- [--contract K] [--from YYYY-MM-DD --to YYYY-MM-DD]';

/** A real calendar date in YYYY-MM-DD (not 2026-02-30). */
const isDate = (text: string) => DATE.test(text) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);

/** Parses the rebuild command's arguments; throws a message that says what was expected. */
export function parseRebuildArgs(argv: readonly string[]): RebuildArgs {
  const args: RebuildArgs = {};
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag !== '--contract' && flag !== '--from' && flag !== '--to') throw new Error(`Unknown argument "${flag}"; ${USAGE}`);
    if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value; ${USAGE}`);
    if (flag !== '--contract' && !isDate(value)) throw new Error(`${flag} expects a date YYYY-MM-DD, got "${value}"`);
    args[flag.slice(2) as keyof RebuildArgs] = value;
  }
  if (args.from && args.to && args.from > args.to) throw new Error(`--from ${args.from} is after --to ${args.to}`);
  return args;
}

/** Splits items into runs of at most `size`, in order. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const runs: T[][] = [];
  for (let i = 0; i < items.length; i += size) runs.push(items.slice(i, i + size));
  return runs;
}

/**
 * Items in batches of `size`, the last `workers` batches' worth in quarter-size ones: workers that
 * take the next batch as they finish one then end close together, where one full batch left last
 * kept a core idle for most of it (bench:scoring: a 50-site batch takes about 5 s).
 */
export function batchesOf<T>(items: readonly T[], size: number, workers: number): T[][] {
  const head = Math.max(0, items.length - size * workers);
  return [...chunk(items.slice(0, head), size), ...chunk(items.slice(head), Math.ceil(size / 4))];
}
