import { Prng } from './prng';
import { drawMood, moodProbabilities, scoreOnScale, type SiteCondition } from './ratings';
import { SCALES } from '../catalog/catalog.types';

const FINE: SiteCondition = { soapOut: 0, paperOut: 0, binsFull: 0 };

function meanMood(condition: SiteCondition, n = 5_000): number {
  const prng = new Prng(5);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += drawMood(prng, condition);
  return sum / n;
}

describe(drawMood.name, () => {
  it('is worse when soap is out, and worst when bins are full too', () => {
    const fine = meanMood(FINE);
    const someSoapOut = meanMood({ ...FINE, soapOut: 0.25 });
    const soapOut = meanMood({ ...FINE, soapOut: 1 });
    const everythingWrong = meanMood({ soapOut: 1, paperOut: 1, binsFull: 1 });
    expect(fine).toBeGreaterThan(3.3);
    expect(someSoapOut).toBeLessThan(fine - 0.3);
    expect(soapOut).toBeLessThan(2.3);
    expect(everythingWrong).toBeLessThan(soapOut);
  });

  it('is worse when bins are full', () => {
    expect(meanMood({ ...FINE, binsFull: 0.5 })).toBeLessThan(meanMood(FINE) - 0.5);
  });
});

describe(moodProbabilities.name, () => {
  it('is a distribution whatever the condition', () => {
    for (const soapOut of [0, 0.1, 0.5, 1]) {
      for (const binsFull of [0, 0.3, 1]) {
        const p = moodProbabilities({ soapOut, paperOut: soapOut / 2, binsFull });
        expect(p.every((x) => x >= 0)).toBe(true);
        expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
      }
    }
  });
});

describe(scoreOnScale.name, () => {
  it.each(SCALES)('keeps the order of moods and stays on the %s scale', (scale) => {
    const bounds = { smiley4: [1, 4], smiley5: [1, 5], nps11: [0, 10] }[scale];
    const scores = ([1, 2, 3, 4] as const).map((m) => scoreOnScale(m, scale));
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    expect(new Set(scores).size).toBe(4);
    expect(Math.min(...scores)).toBeGreaterThanOrEqual(bounds[0]);
    expect(Math.max(...scores)).toBeLessThanOrEqual(bounds[1]);
  });
});
