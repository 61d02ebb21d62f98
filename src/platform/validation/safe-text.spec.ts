import fc from 'fast-check';
import { cutAtCodePoint, escapeUnsafe, isSafeText, storableBytes, unsafeTextReason } from './safe-text';

describe('safe text', () => {
  it.each([
    ['plain text', 'Ingen tvål på toaletten', true],
    ['an emoji (a surrogate pair)', 'smutsigt 💩 golv', true],
    ['a NUL', 'a\u0000b', false],
    ['a lone high surrogate', 'a\ud83d', false],
    ['a lone low surrogate', '\udca9b', false],
    ['two high surrogates in a row', '\ud83d\ud83d\udca9', false],
    ['the empty string', '', true],
  ])('%s is safe: %p', (_, text, safe) => {
    expect(isSafeText(text)).toBe(safe);
    expect(unsafeTextReason(text) === undefined).toBe(safe);
  });

  it('names what is wrong', () => {
    expect(unsafeTextReason('x\u0000')).toMatch(/NUL/);
    expect(unsafeTextReason('x\ud800')).toMatch(/surrogate/);
  });

  it('cuts on a code point boundary', () => {
    const text = `${'a'.repeat(199)}💩tail`;
    expect(cutAtCodePoint(text, 200)).toBe('a'.repeat(199));
    expect(cutAtCodePoint(text, 201)).toBe(`${'a'.repeat(199)}💩`);
    expect(cutAtCodePoint('short', 200)).toBe('short');
  });

  it('escapes whatever it is given into safe text that is no longer than asked', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.integer({ min: 1, max: 64 }), (text, max) => {
        const out = escapeUnsafe(text, max);
        expect(isSafeText(out)).toBe(true);
        expect(out.length).toBeLessThanOrEqual(max);
      }),
      { numRuns: 500 },
    );
    expect(escapeUnsafe('a\u0000b\ud800c')).toBe('a\\u0000b\\ud800c');
  });

  it('turns any bytes into safe text: UTF-8 escaped, the rest as hex', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 1, max: 200 }), (bytes, max) => {
        expect(isSafeText(storableBytes(bytes, max))).toBe(true);
      }),
      { numRuns: 500 },
    );
    expect(storableBytes(Buffer.from('{"tag":"a\u0000"}'), 100)).toBe('{"tag":"a\\u0000"}');
    expect(storableBytes(Buffer.from([0xff, 0x00, 0x41]), 100)).toBe('0xff0041');
    // A cut inside a multi-byte character keeps the text readable.
    expect(storableBytes(Buffer.from('ab💩'), 4)).toBe('ab');
  });
});
