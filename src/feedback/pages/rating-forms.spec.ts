import fc from 'fast-check';
import { MESSAGES } from './messages';
import { followUpForm, formErrorMessage, formScore, rateForm } from './rating-forms';

const ID = '0b7b5a8e-3c1f-4d5e-9a7b-2f0c1d2e3f40';
const SCORE_MESSAGE = 'choose a score';

describe('formScore', () => {
  it.each(['0', '1', '5', '9', '10', '42', '99'])('reads %p as its number', (raw) => {
    expect(formScore.parse(raw)).toBe(Number(raw));
  });

  it.each([
    ['true', true],
    ['a number', 3],
    ['a list', [2]],
    ['a list of strings', ['2']],
    ['a repeated field', ['2', '2']],
    ['an object', { toString: 1 }],
    ['null', null],
    ['absent', undefined],
    ['blank', ''],
    ['spaces', '   '],
    ['hex', '0x3'],
    ['padded', ' 4 '],
    ['a trailing line break', '3\n'],
    ['an exponent', '1e0'],
    ['a plus sign', '+3'],
    ['a minus sign', '-1'],
    ['a leading zero', '03'],
    ['a decimal point', '4.0'],
    ['three digits', '100'],
    ['non-ASCII digits', '٣'],
    ['full-width digits', '３'],
  ])('refuses %s (%p)', (_case, raw) => {
    expect(formScore.safeParse(raw).success).toBe(false);
  });

  it('accepts exactly the plain decimal writing of 0-99', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 4 }), (raw) => {
        const canonical = /^\d{1,2}$/.test(raw) && String(Number(raw)) === raw;
        expect(formScore.safeParse(raw).success).toBe(canonical);
      }),
    );
    fc.assert(fc.property(fc.integer({ min: 0, max: 99 }), (n) => expect(formScore.parse(String(n))).toBe(n)));
  });

  it('never throws, whatever arrives', () => {
    fc.assert(fc.property(fc.anything(), (raw) => expect(() => formScore.safeParse(raw)).not.toThrow()));
  });
});

describe(formErrorMessage.name, () => {
  it.each([true, [2], '0x3', ' 4 ', '1e0', '+3', '03'])('gives the score message for a rate form whose score is %p', (score) => {
    const parsed = rateForm.safeParse({ id: ID, score });
    expect(parsed.success).toBe(false);
    expect(formErrorMessage(parsed.error!, MESSAGES.en, SCORE_MESSAGE)).toBe(SCORE_MESSAGE);
  });

  it('gives the score message for a follow-up form whose score is not plain digits', () => {
    const parsed = followUpForm.safeParse({ id: ID, score: '+1', reasons: 'no_soap' });
    expect(parsed.error?.issues.map((i) => i.path)).toEqual([['score']]);
    expect(formErrorMessage(parsed.error!, MESSAGES.en, SCORE_MESSAGE)).toBe(SCORE_MESSAGE);
  });
});
