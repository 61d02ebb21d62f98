import fc from 'fast-check';
import { counterDelta, defaultWrapWindow } from './counter';

const MAX = 2 ** 32 - 1;

describe(counterDelta.name, () => {
  it.each([
    ['the first reading is the baseline', undefined, 1_234, 0],
    ['counts up', 100, 142, 42],
    ['an unchanged counter', 100, 100, 0],
    ['a reset far from max counts from zero', 5_000, 7, 7],
    ['a reset to exactly zero', 5_000, 0, 0],
    ['a wrap just below max', MAX - 9, 5, 15],
    ['a wrap from max itself', MAX, 0, 1],
  ] as const)('%s', (_, previous, current, expected) => {
    expect(counterDelta(previous, current)).toBe(expected);
  });

  it('uses the window to tell a wrap of a 16-bit counter from a reset', () => {
    const max = 65_535;
    const window = defaultWrapWindow(max);
    expect(window).toBe(4_096);
    expect(counterDelta(max - window + 1, 10, max)).toBe(window + 10);
    expect(counterDelta(max - window, 10, max)).toBe(10);
  });

  it('counts nothing for readings that are not whole numbers in 0..max', () => {
    expect(counterDelta(10, -1)).toBe(0);
    expect(counterDelta(10, 12.5)).toBe(0);
    expect(counterDelta(10, Number.NaN)).toBe(0);
    expect(counterDelta(Number.POSITIVE_INFINITY, 3)).toBe(0);
    expect(counterDelta(10, 70_000, 65_535)).toBe(0);
  });

  it('never returns a negative or fractional delta', () => {
    fc.assert(
      fc.property(fc.option(fc.integer({ min: 0, max: MAX }), { nil: undefined }), fc.integer({ min: 0, max: MAX }), (previous, current) => {
        const delta = counterDelta(previous, current);
        expect(delta).toBeGreaterThanOrEqual(0);
        expect(Number.isInteger(delta)).toBe(true);
      }),
    );
  });

  /**
   * A model device: each step either counts some people (wrapping past max) or reboots and then
   * counts fewer people than it showed before (a detectable reset, far from max), and reports after
   * every step. The deltas must add up to the people the model counted.
   */
  const step = fc.record({ reset: fc.boolean(), people: fc.nat() });
  const model = (max: number) =>
    fc.property(fc.integer({ min: 0, max }), fc.array(step, { maxLength: 60 }), (start, steps) => {
      const window = defaultWrapWindow(max);
      let shown = start;
      let previous: number | undefined = undefined;
      let truth = 0;
      let sum = counterDelta(previous, shown, max);
      for (const s of steps) {
        previous = shown;
        if (s.reset && shown > 0 && max - shown >= window) {
          const people = s.people % shown;
          shown = people;
          truth += people;
        } else {
          const people = s.people % window;
          shown = (shown + people) % (max + 1);
          truth += people;
        }
        sum += counterDelta(previous, shown, max);
      }
      expect(sum).toBe(truth);
    });

  it('adds up to the true count under resets and wraps of a small counter', () => {
    fc.assert(model(999), { numRuns: 300 });
  });

  it('adds up to the true count under resets and wraps of a 16-bit counter', () => {
    fc.assert(model(65_535), { numRuns: 300 });
  });

  it('adds up to the true count near the top of a 32-bit counter', () => {
    fc.assert(
      fc.property(fc.integer({ min: MAX - 10_000, max: MAX }), fc.array(fc.nat({ max: 5_000 }), { maxLength: 20 }), (start, steps) => {
        let shown = start;
        let sum = 0;
        for (const people of steps) {
          const next = (shown + people) % (MAX + 1);
          sum += counterDelta(shown, next);
          shown = next;
        }
        expect(sum).toBe(steps.reduce((a, b) => a + b, 0));
      }),
    );
  });
});
