import { countsOf, figureOf } from './indicators';
import { countsOfRow } from './rollup-columns';

describe(countsOfRow.name, () => {
  it('reads summed rollup columns (bigints as text) into counts, happiness weights back from thirds of a point', () => {
    // HappyOrNot's example on four buttons: 126/60/16/17 presses is 51,400 thirds over 219 ratings, a Happy Index of 78.
    const sut = countsOfRow({
      rated: '219',
      positive: '186',
      neutral: '0',
      negative: '33',
      happy_thirds: '51400',
      excluded_kiosk_repeat: '4',
      excluded_burst: null,
      excluded_daily_cap: '0',
      negative_reasons: { no_soap: 3, bad_smell: 1 },
      visitors: '1200',
      service_minutes: 37.25,
    });
    expect(sut.counts).toEqual(
      countsOf({ rated: 219, positive: 186, negative: 33, happyWeightSum: 51400 / 3, excluded: { kiosk_repeat: 4 }, visitors: 1200, serviceMinutes: 37.25 }),
    );
    expect(sut.negativeReasons).toEqual({ no_soap: 3, bad_smell: 1 });
    expect(Math.round(figureOf('happy_index', sut.counts).value!)).toBe(78);
  });

  it('reads a row without any rating (a zone-day with SLA facts only) as zero ratings and no reasons', () => {
    const sut = countsOfRow({ rated: null, negative_reasons: null, tasks_due: '3', tasks_on_time: '2' });
    expect(sut).toEqual({ counts: countsOf({ tasksDue: 3, tasksOnTime: 2 }), negativeReasons: {} });
  });
});
