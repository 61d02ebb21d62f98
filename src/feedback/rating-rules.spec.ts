import { checkAnswers, checkRatedAt, CLOCK_SKEW_MS } from './rating-rules';

const restroomQr = { scale: 'smiley5' as const, reasonSets: ['restroom' as const, 'general' as const] };
const now = new Date('2026-11-22T10:00:00Z');

describe('checkAnswers', () => {
  it.each([
    ['smiley5', 0, false],
    ['smiley5', 1, true],
    ['smiley5', 5, true],
    ['smiley5', 6, false],
    ['smiley4', 5, false],
    ['nps11', 0, true],
    ['nps11', 10, true],
    ['nps11', 11, false],
    ['smiley5', 2.5, false],
  ] as const)('on a %s scale, score %d is valid: %s', (scale, score, valid) => {
    const errors = checkAnswers({ scale, reasonSets: ['general'] }, { score });
    expect(errors.length === 0).toBe(valid);
    if (!valid) expect(errors[0]?.field).toBe('score');
  });

  it("accepts reasons from the touchpoint's sets and names each unknown one", () => {
    expect(checkAnswers(restroomQr, { score: 1, reasons: ['no_soap', 'cleanliness'] })).toEqual([]);
    const errors = checkAnswers(restroomQr, { score: 1, reasons: ['no_soap', 'no_coffee'] });
    expect(errors).toEqual([expect.objectContaining({ field: 'reasons.1', message: expect.stringContaining('unknown reason "no_coffee"') })]);
  });

  it('refuses a reason given twice and a comment over 500 characters', () => {
    const errors = checkAnswers(restroomQr, { reasons: ['no_soap', 'no_soap'], comment: 'x'.repeat(501) });
    expect(errors.map((e) => e.field)).toEqual(['reasons', 'comment']);
  });
});

describe('checkRatedAt', () => {
  const dayMs = 24 * 3_600_000;
  it('accepts now and small clock skew, refuses the future', () => {
    expect(checkRatedAt(now, now, dayMs)).toEqual([]);
    expect(checkRatedAt(new Date(now.getTime() + CLOCK_SKEW_MS - 1), now, dayMs)).toEqual([]);
    expect(checkRatedAt(new Date(now.getTime() + 60_000), now, dayMs)).toEqual([{ field: 'ts', message: 'must not be in the future' }]);
  });

  it('accepts a backlog up to the configured age, unless any age is allowed', () => {
    expect(checkRatedAt(new Date(now.getTime() - dayMs + 1), now, dayMs)).toEqual([]);
    expect(checkRatedAt(new Date(now.getTime() - dayMs - 1), now, dayMs)[0]?.field).toBe('ts');
    expect(checkRatedAt(new Date('2020-01-01T00:00:00Z'), now, null)).toEqual([]);
  });
});
