import { LANGUAGES } from '../../catalog/catalog.types';
import { INCIDENT_CATEGORIES, REASONS } from '../reasons';
import { MESSAGES, REASON_CODES } from './messages';

describe('MESSAGES', () => {
  it('has a label for every reason chip in reasons.ts', () => {
    const codes = new Set(Object.values(REASONS).flatMap((set) => [...set.negative, ...set.positive]));
    expect([...codes].filter((code) => !(REASON_CODES as readonly string[]).includes(code))).toEqual([]);
  });

  it.each(LANGUAGES.map((l) => [l]))('gives %s a non-empty text for every key, distinct from English where it matters', (language) => {
    const m = MESSAGES[language];
    const texts = (value: unknown): string[] => (typeof value === 'string' ? [value] : Object.values(value as object).flatMap(texts));
    expect(texts(m).every((t) => t.trim().length > 0)).toBe(true);
    expect(INCIDENT_CATEGORIES.every((c) => m.incidents[c])).toBe(true);
    if (language !== 'en') {
      for (const key of ['satisfactionQuestion', 'thanksTitle', 'notFoundTitle', 'reportLink'] as const) expect(m[key]).not.toBe(MESSAGES.en[key]);
      expect(Object.values(m.followUp)).not.toEqual(Object.values(MESSAGES.en.followUp));
    }
  });

  it('keeps the reason chip labels of each reason set distinct within a language', () => {
    for (const language of LANGUAGES) {
      for (const set of Object.values(REASONS)) {
        for (const side of [set.negative, set.positive]) {
          const labels = side.map((code) => MESSAGES[language].reasons[code as (typeof REASON_CODES)[number]]);
          expect(new Set(labels).size).toBe(labels.length);
        }
      }
    }
  });
});
