import fc from 'fast-check';
import { DateTime } from 'luxon';
import { DomainException, ErrorCode } from '../platform/errors/domain.exception';
import { currentWindow, dateSpan, elapsedHours, localDates, parsePeriod, periodBefore, periodLabel, periodOf, periodWindow, rollingHours, windowHours, WINDOW_KINDS } from './periods';

const STOCKHOLM = 'Europe/Stockholm';
const KOLKATA = 'Asia/Kolkata';
const at = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toMillis();

describe(parsePeriod.name, () => {
  it('reads a calendar month and an ISO week, and writes them back', () => {
    expect(parsePeriod('2026-10')).toEqual({ kind: 'calendar_month', year: 2026, month: 10 });
    expect(parsePeriod('2026-W05')).toEqual({ kind: 'calendar_week', weekYear: 2026, week: 5 });
    expect(['2026-10', '2026-W05', '2026-W53'].map((p) => periodLabel(parsePeriod(p)))).toEqual(['2026-10', '2026-W05', '2026-W53']);
  });

  it('reads local dates, both included, and writes them back', () => {
    expect(parsePeriod('2026-10-05..2026-10-20')).toEqual({ kind: 'date_range', from: '2026-10-05', to: '2026-10-20' });
    expect(['2026-10-05..2026-10-20', '2026-10-25..2026-10-25', '2024-01-01..2024-12-31'].map((p) => periodLabel(parsePeriod(p)))).toEqual([
      '2026-10-05..2026-10-20',
      '2026-10-25..2026-10-25',
      '2024-01-01..2024-12-31',
    ]);
  });

  it.each([
    ['2026-13', 'the month must be 01 to 12'],
    ['2026-00', 'the month must be 01 to 12'],
    ['2026-1', 'expected YYYY-MM (a calendar month), YYYY-Www'],
    ['2026-w05', 'expected YYYY-MM'],
    ['October', 'expected YYYY-MM'],
    ['2025-W53', 'ISO year 2025 has weeks W01 to W52'],
    ['2026-W00', 'ISO year 2026 has weeks W01 to W53'],
    ['2026-10-20..2026-10-05', 'the first date must not be after the last'],
    ['2026-02-29..2026-03-05', '2026-02-29 is not a date'],
    ['2026-02-01..2026-13-01', '2026-13-01 is not a date'],
    ['2024-01-01..2025-01-01', 'a date range is at most 366 days'],
    ['2026-10-05/2026-10-20', 'YYYY-MM-DD..YYYY-MM-DD'],
  ])('rejects %s with a validation error that says what it expected', (text, why) => {
    const sut = () => parsePeriod(text);
    expect(sut).toThrow(DomainException);
    expect(sut).toThrow(why);
    try {
      sut();
    } catch (error) {
      expect(error).toMatchObject({ code: ErrorCode.Validation, errors: [{ field: 'period' }] });
    }
  });
});

describe(periodWindow.name, () => {
  it('a calendar month in Europe/Stockholm holds exactly its 31 local days across the October DST change', () => {
    const sut = periodWindow(parsePeriod('2026-10'), STOCKHOLM);
    const dates = localDates(sut);
    expect(dates).toHaveLength(31);
    expect([dates[0], dates[30]]).toEqual(['2026-10-01', '2026-10-31']);
    expect(sut.start.toISO()).toBe('2026-10-01T00:00:00.000+02:00');
    expect(sut.end.toISO()).toBe('2026-11-01T00:00:00.000+01:00');
    expect([elapsedHours(sut), windowHours(sut)]).toEqual([745, 744]);
  });

  it('the March month loses an hour to DST but keeps its 31 days', () => {
    const sut = periodWindow(parsePeriod('2026-03'), STOCKHOLM);
    expect([localDates(sut).length, elapsedHours(sut), windowHours(sut)]).toEqual([31, 743, 744]);
  });

  it('starts at local midnight in Asia/Kolkata, a half-hour offset', () => {
    const sut = periodWindow(parsePeriod('2026-10'), KOLKATA);
    expect(sut.start.toUTC().toISO()).toBe('2026-09-30T18:30:00.000Z');
    expect(sut.end.toUTC().toISO()).toBe('2026-10-31T18:30:00.000Z');
    expect(localDates(sut)).toHaveLength(31);
  });

  it('an ISO week runs Monday to Sunday and may start in the previous year', () => {
    const sut = periodWindow(parsePeriod('2026-W01'), STOCKHOLM);
    expect(localDates(sut)).toEqual(['2025-12-29', '2025-12-30', '2025-12-31', '2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04']);
    expect(periodOf(sut)).toEqual({ kind: 'calendar_week', weekYear: 2026, week: 1 });
  });

  it('the week of the October change has 169 real hours and 168 nominal ones', () => {
    const sut = periodWindow(parsePeriod('2026-W43'), STOCKHOLM);
    expect([localDates(sut)[6], elapsedHours(sut), windowHours(sut)]).toEqual(['2026-10-25', 169, 168]);
  });

  it('a date range holds its local days, both ends included, across the October DST change and in Asia/Kolkata', () => {
    const range = parsePeriod('2026-10-24..2026-10-26');
    const sut = periodWindow(range, STOCKHOLM);
    expect(localDates(sut)).toEqual(['2026-10-24', '2026-10-25', '2026-10-26']);
    expect([sut.start.toISO(), sut.end.toISO()]).toEqual(['2026-10-24T00:00:00.000+02:00', '2026-10-27T00:00:00.000+01:00']);
    expect([windowHours(sut), elapsedHours(sut)]).toEqual([72, 73]);
    expect(periodWindow(range, KOLKATA).start.toUTC().toISO()).toBe('2026-10-23T18:30:00.000Z');
    expect(periodOf(sut)).toEqual(range);
  });

  it('rejects an unknown time zone instead of computing in UTC', () => {
    expect(() => periodWindow(parsePeriod('2026-10'), 'Europe/Atlantis')).toThrow('Unknown IANA time zone');
  });

  it('property: every instant of a window falls on one of its local dates, and the instants around it do not', () => {
    const zones = fc.constantFrom(STOCKHOLM, KOLKATA, 'America/New_York', 'Australia/Lord_Howe', 'UTC');
    const month = fc.record({ year: fc.integer({ min: 2020, max: 2030 }), month: fc.integer({ min: 1, max: 12 }) });
    fc.assert(
      fc.property(zones, month, fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (zone, m, f) => {
        const sut = periodWindow({ kind: 'calendar_month', ...m }, zone);
        const [start, end] = [sut.start.toMillis(), sut.end.toMillis()];
        const dates = new Set(localDates(sut));
        const dateAt = (ms: number) => DateTime.fromMillis(ms, { zone }).toISODate() ?? '';
        expect(dates.has(dateAt(start + Math.floor(f * (end - start))))).toBe(true);
        expect(dates.has(dateAt(start - 1))).toBe(false);
        expect(dates.has(dateAt(end))).toBe(false);
        expect(dates.size).toBe(sut.start.daysInMonth);
      }),
    );
  });
});

describe(dateSpan.name, () => {
  it('gives the first and last of dates that follow one another, in any order, across a month', () => {
    expect(dateSpan(localDates(periodWindow(parsePeriod('2026-10'), STOCKHOLM)))).toEqual(['2026-10-01', '2026-10-31']);
    expect(dateSpan(['2026-11-01', '2026-10-31', '2026-10-30'])).toEqual(['2026-10-30', '2026-11-01']);
  });

  it('has no span for dates with a gap (a range would count the day between), or for none', () => {
    expect(dateSpan(['2026-10-01', '2026-10-03'])).toBeUndefined();
    expect(dateSpan(['2026-10-01', '2026-10-01', '2026-10-03'])).toBeUndefined();
    expect(dateSpan(['2026-10-02', '2026-10-01', '2026-10-02'])).toEqual(['2026-10-01', '2026-10-02']);
    expect(dateSpan([])).toBeUndefined();
  });
});

describe(periodBefore.name, () => {
  it('steps months and weeks by the calendar, across a year, and a date range by its own length', () => {
    const before = (text: string, back: number) => periodLabel(periodBefore(parsePeriod(text), back));
    expect([before('2026-01', 1), before('2026-03', 2), before('2026-10', 0)]).toEqual(['2025-12', '2026-01', '2026-10']);
    expect([before('2026-W01', 1), before('2027-W01', 1)]).toEqual(['2025-W52', '2026-W53']);
    expect([before('2026-10-05..2026-10-20', 1), before('2026-03-01..2026-03-01', 2)]).toEqual(['2026-09-19..2026-10-04', '2026-02-27..2026-02-27']);
  });
});

describe(currentWindow.name, () => {
  it('this month and this ISO week in the site zone, even when UTC is still in the previous day', () => {
    const now = at('2026-11-01T00:30', STOCKHOLM); // 2026-10-31T23:30Z
    expect(localDates(currentWindow('calendar_month', now, STOCKHOLM))[0]).toBe('2026-11-01');
    expect(localDates(currentWindow('calendar_week', now, STOCKHOLM))).toEqual([
      '2026-10-26',
      '2026-10-27',
      '2026-10-28',
      '2026-10-29',
      '2026-10-30',
      '2026-10-31',
      '2026-11-01',
    ]);
  });

  it('rolling windows are the last N local days including today, across the DST change', () => {
    const now = at('2026-10-28T15:00', STOCKHOLM);
    const sut = currentWindow('rolling_7d', now, STOCKHOLM);
    expect(localDates(sut)).toEqual(['2026-10-22', '2026-10-23', '2026-10-24', '2026-10-25', '2026-10-26', '2026-10-27', '2026-10-28']);
    expect([elapsedHours(sut), windowHours(sut)]).toEqual([169, 168]);
    expect(localDates(currentWindow('rolling_28d', now, KOLKATA))).toHaveLength(28);
    expect(windowHours(currentWindow('rolling_30d', now, STOCKHOLM))).toBe(720);
    expect(periodOf(sut)).toBeUndefined();
  });

  it('knows the nominal hours of every rolling kind', () => {
    expect(WINDOW_KINDS.map(rollingHours)).toEqual([undefined, undefined, 168, 672, 720]);
  });
});
