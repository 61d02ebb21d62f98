import { ALL_COMMENTS, crowdingThreshold, crowdingThresholds, heatmapCells, isCrowded, themeRollupRows, themeSummary, type DayComment } from './insights';

describe(crowdingThreshold.name, () => {
  it('is the interpolated 90th percentile of the hours with visitors (as percentile_cont)', () => {
    // 1…24: position 0.9 × 23 = 20.7, between the 21st (21) and 22nd (22) values.
    const sut = crowdingThreshold(Array.from({ length: 24 }, (_, i) => 24 - i));
    expect(sut).toBeCloseTo(21.7, 12);
  });

  it('leaves hours without visitors out of the baseline', () => {
    const hours = [...Array.from({ length: 24 }, () => 10), 0, 0, 0, 0];
    expect(crowdingThreshold(hours)).toBe(10);
    // 20 hours of 10, then 20, 30, 40, 50: between the 21st (20) and 22nd (30) values.
    expect(crowdingThreshold([0, 50, ...Array.from({ length: 20 }, () => 10), 0, 40, 30, 20])).toBeCloseTo(27, 12);
  });

  it('has no baseline with fewer than 24 hours with visitors', () => {
    expect(crowdingThreshold([...Array.from({ length: 23 }, () => 5), 0])).toBeNull();
  });
});

describe(isCrowded.name, () => {
  it('counts strictly above the threshold, and nowhere without one', () => {
    expect(isCrowded(22, 21.7)).toBe(true);
    expect(isCrowded(21, 21)).toBe(false);
    expect(isCrowded(0, 21.7)).toBe(false);
    expect(isCrowded(100, null)).toBeUndefined();
  });
});

describe(heatmapCells.name, () => {
  const rows = [
    { weekday: 1, hour: 9, rated: 4, positive: 3, negative: 1, happyWeightSum: 250 },
    // Sunday 02:00 twice: the hour repeated when DST ends lands in one cell.
    { weekday: 7, hour: 2, rated: 2, positive: 1, negative: 1, happyWeightSum: 100 },
    { weekday: 7, hour: 2, rated: 3, positive: 0, negative: 2, happyWeightSum: 75 },
  ];

  it('lays out 168 cells, Monday 00:00 first and Sunday 23:00 last', () => {
    const sut = heatmapCells('csat', rows);
    expect(sut).toHaveLength(168);
    expect(sut[0]).toEqual({ weekday: 1, hour: 0, value: null, numerator: 0, denominator: 0, n: 0 });
    expect(sut[167]).toMatchObject({ weekday: 7, hour: 23, n: 0 });
    expect(sut[9]).toEqual({ weekday: 1, hour: 9, value: 0.75, numerator: 3, denominator: 4, n: 4 });
  });

  it('sums the rows of a cell and reads each indicator\'s numerator and denominator', () => {
    const cell = (indicator: Parameters<typeof heatmapCells>[0]) => heatmapCells(indicator, rows)[6 * 24 + 2];
    expect(cell('csat')).toEqual({ weekday: 7, hour: 2, value: 0.2, numerator: 1, denominator: 5, n: 5 });
    expect(cell('negative_rate')).toEqual({ weekday: 7, hour: 2, value: 0.6, numerator: 3, denominator: 5, n: 5 });
    expect(cell('happiness')).toEqual({ weekday: 7, hour: 2, value: -40, numerator: -2, denominator: 5, n: 5 });
    expect(cell('happy_index')).toEqual({ weekday: 7, hour: 2, value: 35, numerator: 175, denominator: 5, n: 5 });
  });
});

describe(themeRollupRows.name, () => {
  const day = { clientId: 'c', zoneId: 'z', siteId: 's', localDate: '2026-10-05' };
  const comments: DayComment[] = [
    { ...day, language: 'sv', text: 'Tvålen är slut igen' },
    { ...day, language: 'sv', text: 'Ingen tvål och papperskorgen är full' },
    { ...day, language: 'en', text: 'No soap' },
    { ...day, language: 'sv', text: 'Hej' },
  ];

  it('counts comments per language and theme, every comment under *, with the first ones as examples', () => {
    const sut = themeRollupRows(comments).map((r) => [r.language, r.theme, r.comments, r.examples]);
    expect(sut).toEqual([
      ['sv', ALL_COMMENTS, 3, []],
      ['sv', 'soap', 2, ['Tvålen är slut igen', 'Ingen tvål och papperskorgen är full']],
      ['sv', 'bin', 1, ['Ingen tvål och papperskorgen är full']],
      ['en', ALL_COMMENTS, 1, []],
      ['en', 'soap', 1, ['No soap']],
    ]);
  });
});

describe(themeSummary.name, () => {
  it('shares over all comments, by language, with the examples given newest first', () => {
    const rows = [
      { language: 'sv' as const, theme: ALL_COMMENTS, comments: 6 },
      { language: 'en' as const, theme: ALL_COMMENTS, comments: 2 },
      { language: 'sv' as const, theme: 'soap', comments: 3 },
      { language: 'en' as const, theme: 'soap', comments: 1 },
      { language: 'sv' as const, theme: 'bin', comments: 1 },
    ];
    const examples = [
      { theme: 'soap', text: 'a' },
      { theme: 'bin', text: 'b' },
      { theme: 'soap', text: 'a' },
      { theme: 'soap', text: 'c' },
    ];
    expect(themeSummary(rows, examples, 3)).toEqual({
      comments: 8,
      themes: [
        { theme: 'soap', count: 4, share: 0.5, byLanguage: { sv: 3, en: 1 }, examples: ['a', 'c'] },
        { theme: 'bin', count: 1, share: 0.125, byLanguage: { sv: 1 }, examples: ['b'] },
      ],
    });
  });
});

describe(crowdingThresholds.name, () => {
  const hour = 3_600_000;
  const day = (zoneId: string, from: number, hours: number) => ({ zoneId, localDate: `d${from}`, from, to: from + hours * hour });

  it('reads each zone-day its own zone hours in [from, to), as crowdingThreshold over them', () => {
    // Zone a: 30 hours with 1..30 visitors, then one of 1,000 at `to` (outside); zone b: 30 hours of 7.
    const visitors = [
      ...Array.from({ length: 31 }, (_, i) => ({ zoneId: 'a', hour: i * hour, visitors: i === 30 ? 1000 : i + 1 })),
      ...Array.from({ length: 30 }, (_, i) => ({ zoneId: 'b', hour: i * hour, visitors: 7 })),
    ].reverse();
    const [a, b, late, none] = crowdingThresholds([day('a', 0, 30), day('b', 0, 30), day('a', 10 * hour, 21), day('c', 0, 30)], visitors);
    // 0.9 × 29 = 26.1 → 27 + 0.1 × (28 − 27)
    expect(a.threshold).toBeCloseTo(27.1, 12);
    expect(a.threshold).toBe(crowdingThreshold(Array.from({ length: 30 }, (_, i) => i + 1)));
    expect(b.threshold).toBe(7);
    // Hours 10..30 of zone a: 21 hours, the 1,000 among them, fewer than 24: no baseline.
    expect(late.threshold).toBeNull();
    expect(none.threshold).toBeNull();
    expect([a.zoneId, a.localDate, a.from, a.to]).toEqual(['a', 'd0', 0, 30 * hour]);
  });
});
