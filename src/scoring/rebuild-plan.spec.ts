import { batchesOf, chunk, parseRebuildArgs } from './rebuild-plan';

describe(parseRebuildArgs.name, () => {
  it('reads a contract and a range of local dates, each optional', () => {
    expect(parseRebuildArgs([])).toEqual({});
    expect(parseRebuildArgs(['--contract', 'alpha-fm'])).toEqual({ contract: 'alpha-fm' });
    expect(parseRebuildArgs(['--from', '2026-10-01', '--to', '2026-10-31', '--contract', 'k'])).toEqual({ contract: 'k', from: '2026-10-01', to: '2026-10-31' });
  });

  it('says what it expected for an unknown flag, a missing value, a date that does not exist, or a reversed range', () => {
    expect(() => parseRebuildArgs(['--site', 'x'])).toThrow('Unknown argument "--site"; usage: npm run scoring:rebuild -- [--contract K] [--from YYYY-MM-DD --to YYYY-MM-DD]');
    expect(() => parseRebuildArgs(['--contract'])).toThrow('--contract needs a value');
    expect(() => parseRebuildArgs(['--from', '--to', '2026-10-01'])).toThrow('--from needs a value');
    expect(() => parseRebuildArgs(['--from', '2026-02-30'])).toThrow('--from expects a date YYYY-MM-DD, got "2026-02-30"');
    expect(() => parseRebuildArgs(['--to', '26-10-01'])).toThrow('--to expects a date YYYY-MM-DD, got "26-10-01"');
    expect(() => parseRebuildArgs(['--from', '2026-11-01', '--to', '2026-10-31'])).toThrow('--from 2026-11-01 is after --to 2026-10-31');
  });
});

describe(chunk.name, () => {
  it('splits in order into runs of at most the size', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([1, 2], 5)).toEqual([[1, 2]]);
    expect(chunk([], 3)).toEqual([]);
  });
});

describe(batchesOf.name, () => {
  it('cuts the last workers × size items into quarter-size batches, keeping every item once and in order', () => {
    const items = Array.from({ length: 23 }, (_, i) => i);
    const batches = batchesOf(items, 8, 2);
    expect(batches.map((b) => b.length)).toEqual([7, 2, 2, 2, 2, 2, 2, 2, 2]);
    expect(batches.flat()).toEqual(items);
  });

  it('has only small batches when the items are fewer than the workers take in full batches', () => {
    expect(batchesOf([1, 2, 3, 4, 5], 8, 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(batchesOf([], 8, 2)).toEqual([]);
  });
});
