import fc from 'fast-check';
import { mapRecord, readField, toTime, type MappingRules } from './connector-mapping';

const rulesFactory = (overrides: Partial<MappingRules> = {}): MappingRules => ({
  mapping: { id: 'id', touchpoint: 'location.code', score: 'rating', ts: 'at', comment: 'text', reasons: 'tags' },
  ...overrides,
});
const recordFactory = (overrides: Record<string, unknown> = {}) => ({ id: 17, location: { code: 'alpha-wc-qr' }, rating: '4', at: '2026-03-02T08:15:00+01:00', ...overrides });

describe(mapRecord.name, () => {
  it('maps a record to a rating for our touchpoint, keeping the source id', () => {
    const sut = mapRecord(recordFactory({ text: '  Fine  ', tags: ['clean', 'tidy'] }), rulesFactory());
    expect(sut).toEqual({
      ok: true,
      id: '17',
      touchpoint: 'alpha-wc-qr',
      input: { id: '17', score: 4, ts: new Date('2026-03-02T07:15:00Z'), comment: 'Fine', reasons: ['clean', 'tidy'] },
    });
  });

  it.each([
    ['a NUL in the id', { id: 'r\u0000-1' }, 'id: must not contain a NUL character'],
    ['a lone surrogate in the place code', { location: { code: 'wc-\ud800' } }, 'touchpoint: must not contain a lone UTF-16 surrogate (broken Unicode)'],
    ['a NUL in the comment', { text: 'dirty\u0000' }, 'comment: must not contain a NUL character'],
    ['a lone surrogate in a reason', { tags: ['clean', '\udc00'] }, 'reasons: must not contain a lone UTF-16 surrogate (broken Unicode)'],
    ['a time beyond what can be stored', { at: 1e300 }, 'ts: "1e+300" is not an ISO 8601 time with a zone or a Unix time'],
    ['a year 0 time', { at: '0000-01-01T00:00:00Z' }, 'ts: "0000-01-01T00:00:00Z" is not an ISO 8601 time with a zone or a Unix time'],
  ])('rejects %s with a reason that can be stored', (_, fields, reason) => {
    const sut = mapRecord(recordFactory(fields), rulesFactory());
    expect(sut).toMatchObject({ ok: false, reason });
  });

  it('quotes a bad score with its unsafe characters escaped', () => {
    expect(mapRecord(recordFactory({ rating: 'x\u0000' }), rulesFactory())).toMatchObject({ ok: false, reason: 'score: "x\\u0000" is not a score' });
  });

  it('translates scores, place codes and reasons through the maps', () => {
    const rules = rulesFactory({ scoreMap: { happy: 5, sad: 1 }, touchpointMap: { 'L-17': 'alpha-wc-qr' }, reasonMap: { soap: 'no_soap' } });
    const sut = mapRecord(recordFactory({ rating: 'happy', location: { code: 'L-17' }, tags: 'soap | dirty_floor' }), rules);
    expect(sut).toMatchObject({ ok: true, touchpoint: 'alpha-wc-qr', input: { score: 5, reasons: ['no_soap', 'dirty_floor'] } });
  });

  it('reads CSV columns whose names contain dots or spaces', () => {
    const rules = rulesFactory({ mapping: { id: 'Response ID', touchpoint: 'loc.code', score: 'Score', ts: 'When' } });
    const sut = mapRecord({ 'Response ID': 'r-1', 'loc.code': 'alpha-wc-qr', Score: '3', When: '1767225600' }, rules);
    expect(sut).toMatchObject({ ok: true, id: 'r-1', input: { score: 3, ts: new Date('2026-01-01T00:00:00Z') } });
  });

  it.each([
    [{ id: undefined }, null, 'id: missing (field "id")'],
    [{ id: ' ' }, null, 'id: missing (field "id")'],
    [{ location: {} }, '17', 'touchpoint: missing (field "location.code")'],
    [{ rating: '' }, '17', 'score: missing (field "rating")'],
    [{ rating: 'great' }, '17', 'score: "great" is not a score'],
    [{ rating: 4.5 }, '17', 'score: "4.5" is not a score'],
    [{ at: undefined }, '17', 'ts: missing (field "at")'],
    [{ at: '2026-03-02 08:15' }, '17', 'ts: "2026-03-02 08:15" is not an ISO 8601 time with a zone or a Unix time'],
    [{ tags: { a: 1 } }, '17', 'reasons: expected a list or text separated by , ; or |'],
  ])('rejects %j with a reason', (change, id, reason) => {
    expect(mapRecord(recordFactory(change), rulesFactory())).toEqual({ ok: false, id, reason });
  });

  it('rejects a value missing from a map, naming what the map knows', () => {
    expect(mapRecord(recordFactory({ rating: 'meh' }), rulesFactory({ scoreMap: { happy: 5, sad: 1 } }))).toMatchObject({ ok: false, reason: 'score: "meh" is not a score; expected one of happy, sad' });
    expect(mapRecord(recordFactory(), rulesFactory({ touchpointMap: { 'L-17': 'alpha-wc-qr' } }))).toMatchObject({ ok: false, reason: 'touchpoint: "alpha-wc-qr" is not in touchpointMap' });
  });

  it('never throws, whatever the source sends', () => {
    fc.assert(
      fc.property(fc.anything(), (record) => {
        const sut = mapRecord(record, rulesFactory({ scoreMap: { '1': 1, toString: 2 } }));
        expect(typeof sut.ok).toBe('boolean');
      }),
    );
  });
});

describe(readField.name, () => {
  it('follows a dot path and stops at anything that is not an object', () => {
    expect(readField({ a: { b: [1, 2] } }, 'a.b.1')).toBe(2);
    expect(readField({ a: 'text' }, 'a.length')).toBeUndefined();
    expect(readField({ a: {} }, 'a.constructor')).toBeUndefined();
  });
});

describe(toTime.name, () => {
  it('takes ISO times with a zone and Unix seconds or milliseconds', () => {
    expect(toTime('2026-03-02T08:15:00Z')).toEqual(new Date('2026-03-02T08:15:00Z'));
    expect(toTime('2026-03-02 08:15:00.5+0200')).toEqual(new Date('2026-03-02T06:15:00.500Z'));
    expect(toTime(1_767_225_600)).toEqual(new Date('2026-01-01T00:00:00Z'));
    expect(toTime(1_767_225_600_000)).toEqual(new Date('2026-01-01T00:00:00Z'));
    expect(toTime('2026-03-02T08:15:00')).toBeUndefined();
    expect(toTime('2026-02-30T08:15:00Z')).toBeUndefined();
  });
});
