import { DateTime } from 'luxon';
import type { ServiceHours } from '../catalog/catalog.types';
import { dueAction, isOpen, pageAt, type AlertTimers, type SiteHours } from './lifecycle';

const MIN = 60_000;
const office: ServiceHours = { mon: [['07:00', '18:00']], tue: [['07:00', '18:00']], wed: [['07:00', '18:00']], thu: [['07:00', '18:00']], fri: [['07:00', '18:00']], sat: [], sun: [] };
const stockholm: SiteHours = { timeZone: 'Europe/Stockholm', serviceHours: office, holidays: ['2026-12-24'] };
const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Stockholm' }).toMillis();

describe('dueAction', () => {
  const t0 = at('2026-12-02T09:00');
  const open = (over: Partial<AlertTimers> = {}): AlertTimers => ({ state: 'open', level: 0, levelSince: t0, remindedAt: null, snoozedUntil: null, ...over });
  const timing = { remindMinutes: 30, escalateMinutes: 20, topLevel: 1 };

  it('escalates an alert not acknowledged for escalateMinutes, not a minute before', () => {
    expect(dueAction(open(), timing, t0 + 19 * MIN, true)).toBeNull();
    expect(dueAction(open(), timing, t0 + 20 * MIN, true)).toBe('escalate');
  });

  it('does not escalate past the top level; reminds there every remindMinutes instead', () => {
    const top = open({ level: 1, levelSince: t0 });
    expect(dueAction(top, timing, t0 + 29 * MIN, true)).toBeNull();
    expect(dueAction(top, timing, t0 + 30 * MIN, true)).toBe('remind');
    expect(dueAction({ ...top, remindedAt: t0 + 30 * MIN }, timing, t0 + 59 * MIN, true)).toBeNull();
    expect(dueAction({ ...top, remindedAt: t0 + 30 * MIN }, timing, t0 + 60 * MIN, true)).toBe('remind');
  });

  it('stays silent once acknowledged or resolved, while snoozed, and while the site is closed', () => {
    const late = t0 + 120 * MIN;
    expect(dueAction(open({ state: 'acknowledged' }), timing, late, true)).toBeNull();
    expect(dueAction(open({ state: 'resolved' }), timing, late, true)).toBeNull();
    expect(dueAction(open({ snoozedUntil: late + MIN }), timing, late, true)).toBeNull();
    expect(dueAction(open(), timing, late, false)).toBeNull();
  });

  it('starts the clock again when a snooze ends', () => {
    const snoozed = open({ snoozedUntil: t0 + 60 * MIN });
    expect(dueAction(snoozed, timing, t0 + 79 * MIN, true)).toBeNull();
    expect(dueAction(snoozed, timing, t0 + 80 * MIN, true)).toBe('escalate');
  });

  it('never reminds or escalates with both set to 0', () => {
    expect(dueAction(open(), { remindMinutes: 0, escalateMinutes: 0, topLevel: 3 }, t0 + 10_000 * MIN, true)).toBeNull();
  });
});

describe('service hours', () => {
  it('knows when the site is open: weekdays 07-18 local, not on a holiday or a Saturday', () => {
    expect(isOpen(stockholm, at('2026-12-02T06:59'))).toBe(false);
    expect(isOpen(stockholm, at('2026-12-02T07:00'))).toBe(true);
    expect(isOpen(stockholm, at('2026-12-02T17:59'))).toBe(true);
    expect(isOpen(stockholm, at('2026-12-02T18:00'))).toBe(false);
    expect(isOpen(stockholm, at('2026-12-05T10:00'))).toBe(false);
    expect(isOpen(stockholm, at('2026-12-24T10:00'))).toBe(false);
  });

  it('holds a page raised at night until the site opens, over a weekend and a holiday; a 24/7 rule pages at once', () => {
    expect(pageAt(stockholm, at('2026-12-02T10:00'), false)).toBe(at('2026-12-02T10:00'));
    expect(pageAt(stockholm, at('2026-12-02T22:30'), false)).toBe(at('2026-12-03T07:00'));
    expect(pageAt(stockholm, at('2026-12-04T19:00'), false)).toBe(at('2026-12-07T07:00'));
    expect(pageAt(stockholm, at('2026-12-23T19:00'), false)).toBe(at('2026-12-25T07:00'));
    expect(pageAt(stockholm, at('2026-12-02T22:30'), true)).toBe(at('2026-12-02T22:30'));
  });
});
