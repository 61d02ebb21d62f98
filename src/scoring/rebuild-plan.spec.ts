import { chunk, parseRebuildArgs } from './rebuild-plan';

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
