import { appendTo, groupBy } from './group-by';

describe('groupBy', () => {
  it('keeps the first-seen order of keys and the order within each group', () => {
    const groups = groupBy(['b1', 'a1', 'b2', 'c1', 'a2'], (s) => s[0]);
    expect([...groups.entries()]).toEqual([
      ['b', ['b1', 'b2']],
      ['a', ['a1', 'a2']],
      ['c', ['c1']],
    ]);
  });

  it('gives an empty map for no items', () => {
    expect(groupBy([], String).size).toBe(0);
  });
});

describe('appendTo', () => {
  it('adds to the group in place, making it on first use', () => {
    const groups = new Map<number, string[]>();
    appendTo(groups, 1, 'a');
    const first = groups.get(1);
    appendTo(groups, 1, 'b');
    appendTo(groups, 2, 'c');
    expect(groups.get(1)).toBe(first);
    expect([...groups.entries()]).toEqual([
      [1, ['a', 'b']],
      [2, ['c']],
    ]);
  });
});
