import { DomainException, ErrorCode } from '../../platform/errors/domain.exception';
import type { Rejection } from './connectors.repository';
import { mergeRejections, rejectionReason, REJECTIONS_KEPT } from './connectors.service';

const rejection = (id: string | null, reason = 'score: bad'): Rejection => ({ id, reason, at: '2026-03-02T08:00:00.000Z' });

describe(mergeRejections.name, () => {
  it('keeps the newest first, one entry per source id, and at most the limit', () => {
    const kept = [rejection('a', 'old'), rejection('b')];
    const sut = mergeRejections([rejection('c'), rejection('a', 'new')], kept);
    expect(sut.map((r) => [r.id, r.reason])).toEqual([
      ['a', 'new'],
      ['c', 'score: bad'],
      ['b', 'score: bad'],
    ]);
    const many = Array.from({ length: REJECTIONS_KEPT + 10 }, (_, i) => rejection(`r${i}`));
    expect(mergeRejections(many, kept)).toHaveLength(REJECTIONS_KEPT);
  });

  it('keeps every record without an id', () => {
    expect(mergeRejections([rejection(null), rejection(null)], [])).toHaveLength(2);
  });
});

describe(rejectionReason.name, () => {
  it('names the field of each validation error, and the touchpoint when it is unknown', () => {
    const invalid = new DomainException(ErrorCode.Validation, 'The rating is not valid.', [
      { field: 'score', message: 'out of range' },
      { field: 'ts', message: 'must not be in the future' },
    ]);
    expect(rejectionReason(invalid, 'wc-qr')).toBe('score: out of range; ts: must not be in the future');
    expect(rejectionReason(DomainException.notFound('touchpoint', 'wc-qr'), 'wc-qr')).toBe('touchpoint: "wc-qr" is not an active touchpoint of this client');
    expect(rejectionReason(new DomainException(ErrorCode.Conflict, 'Used before.'), 'wc-qr')).toBe('Used before.');
  });
});
