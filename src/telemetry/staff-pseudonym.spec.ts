import fc from 'fast-check';
import { staffTagKey } from '../feedback/source-hash';
import { staffPseudonym } from './staff-pseudonym';

const secret = Buffer.alloc(32, 1);
const ALPHA = '6f1c2a0e-0000-4000-8000-000000000001';
const BETA = '6f1c2a0e-0000-4000-8000-000000000002';

describe(staffPseudonym.name, () => {
  const alphaKey = staffTagKey(secret, ALPHA);

  it('gives one tag one pseudonym within a client, and another tag another', () => {
    const sut = staffPseudonym('badge-0042', alphaKey);
    expect(staffPseudonym('badge-0042', staffTagKey(secret, ALPHA))).toBe(sut);
    expect(staffPseudonym('badge-0043', alphaKey)).not.toBe(sut);
    expect(sut).toMatch(/^staff-[0-9a-f]{12}$/);
  });

  it('gives the same tag another pseudonym in another client and under another secret', () => {
    const sut = staffPseudonym('badge-0042', alphaKey);
    expect(staffPseudonym('badge-0042', staffTagKey(secret, BETA))).not.toBe(sut);
    expect(staffPseudonym('badge-0042', staffTagKey(Buffer.alloc(32, 2), ALPHA))).not.toBe(sut);
  });

  it('never shows the tag itself', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 4, maxLength: 64 }), (tag) => {
        const sut = staffPseudonym(tag, alphaKey);
        expect(sut).toMatch(/^staff-[0-9a-f]{12}$/);
        expect(sut.slice('staff-'.length)).not.toContain(tag);
      }),
    );
  });
});

describe(staffTagKey.name, () => {
  it('is stable for a secret and client, and differs between clients', () => {
    expect(staffTagKey(secret, ALPHA).equals(staffTagKey(Buffer.from(secret), ALPHA))).toBe(true);
    expect(staffTagKey(secret, ALPHA).equals(staffTagKey(secret, BETA))).toBe(false);
  });
});
