import fc from 'fast-check';
import {
  findPhoneNumbersInText,
  parsePhoneNumberFromString,
  type CountryCode,
  type PhoneNumber,
} from 'libphonenumber-js/max';
import { PHONE_COUNTRIES, PII_MARKERS, scrubPersonalData } from './pii-scrubber';
import { COMMENT_SAMPLES } from './pii-scrubber.samples';

const sut = scrubPersonalData;

const digitsOf = (text: string) => text.replace(/\D/g, '');

const TAGGED = /\{(?:(id|email):)?([^{}]+)\}/g;
const MARKERS = { phone: PII_MARKERS.phone, id: PII_MARKERS.nationalId, email: PII_MARKERS.email };
const markerOf = (kind: string | undefined) => MARKERS[(kind ?? 'phone') as keyof typeof MARKERS];

/** A tagged sample as the occupant wrote it, as it must be stored, and the personal data in it. */
function untag(tagged: string) {
  return {
    written: tagged.replace(TAGGED, (_, _kind, value: string) => value),
    stored: tagged.replace(TAGGED, (_, kind: string | undefined) => markerOf(kind)),
    personal: [...tagged.matchAll(TAGGED)].map(([, kind, value]) => ({ kind: kind ?? 'phone', value, marker: markerOf(kind) })),
  };
}

// National numbers to vary: the last four digits are drawn, and only valid results are kept.
const NATIONAL_NUMBERS: readonly (readonly [CountryCode, string])[] = [
  ['SE', '0701234567'], ['SE', '0812345678'], ['SE', '0311234567'], ['DK', '20123456'], ['DK', '33123456'],
  ['NO', '41234567'], ['NO', '22123456'], ['FI', '0401234567'], ['FI', '091234567'], ['DE', '015123456789'],
  ['DE', '03012345678'], ['GB', '07911123456'], ['GB', '02079460958'], ['GB', '01614960123'],
];
const WAYS_TO_WRITE_A_NUMBER: readonly ((n: PhoneNumber) => string)[] = [
  (n) => n.formatNational(),
  (n) => n.formatNational().replace(/ /g, '-'),
  (n) => digitsOf(n.formatNational()),
  (n) => n.formatInternational(),
  (n) => n.number,
  (n) => `00${n.number.slice(1)}`,
];
const writtenPhoneNumbers = fc
  .tuple(fc.constantFrom(...NATIONAL_NUMBERS), fc.integer({ min: 0, max: 9999 }), fc.constantFrom(...WAYS_TO_WRITE_A_NUMBER))
  .map(([[country, national], tail, write]) => {
    const number = parsePhoneNumberFromString(national.slice(0, -4) + String(tail).padStart(4, '0'), country);
    return number?.isValid() ? write(number) : undefined;
  })
  .filter((written): written is string => written !== undefined);

const two = (n: number) => String(n).padStart(2, '0');
const luhnDigit = (digits: string) => {
  const doubled = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9];
  const sum = [...digits].map(Number).reduce((acc, d, i) => acc + (i % 2 === 0 ? doubled[d] : d), 0);
  return String((10 - (sum % 10)) % 10);
};
const mod11Digit = (digits: string, weights: readonly number[]) =>
  (11 - ([...digits].reduce((acc, d, i) => acc + Number(d) * weights[i], 0) % 11)) % 11;

/** Valid identity numbers of the four countries, written as their holders write them. */
const writtenNationalIds = fc
  .record({
    born: fc.date({ min: new Date('1901-01-01T00:00:00Z'), max: new Date('2025-12-31T00:00:00Z'), noInvalidDate: true }),
    serial: fc.integer({ min: 0, max: 999 }),
    last: fc.integer({ min: 0, max: 9 }),
    kind: fc.constantFrom('personnummer', 'samordningsnummer', 'long personnummer', 'CPR', 'fødselsnummer', 'henkilötunnus'),
  })
  .map(({ born, serial, last, kind }) => {
    const [yy, mm, dd] = [two(born.getUTCFullYear() % 100), two(born.getUTCMonth() + 1), two(born.getUTCDate())];
    const nnn = String(serial).padStart(3, '0');
    switch (kind) {
      case 'CPR':
        return `${dd}${mm}${yy}-${nnn}${last}`;
      case 'fødselsnummer': {
        const k1 = mod11Digit(dd + mm + yy + nnn, [3, 7, 6, 1, 8, 9, 4, 5, 2]);
        const k2 = mod11Digit(dd + mm + yy + nnn + k1, [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]);
        return k1 === 10 || k2 === 10 ? undefined : `${dd}${mm}${yy}${nnn}${k1}${k2}`;
      }
      case 'henkilötunnus': {
        const check = '0123456789ABCDEFHJKLMNPRSTUVWXY'[Number(dd + mm + yy + nnn) % 31];
        const id = `${dd}${mm}${yy}${born.getUTCFullYear() < 2000 ? '-' : 'A'}${nnn}${check}`;
        return last % 2 === 0 ? id : id.toLowerCase();
      }
      default: {
        const day = kind === 'samordningsnummer' ? String(born.getUTCDate() + 60) : dd;
        const id = `${yy}${mm}${day}${nnn}${luhnDigit(yy + mm + day + nnn)}`;
        const century = Math.floor(born.getUTCFullYear() / 100);
        return kind === 'long personnummer' ? `${century}${id}` : `${id.slice(0, 6)}-${id.slice(6)}`;
      }
    }
  })
  .filter((written): written is string => written !== undefined);

const wordsWithoutDigits = fc.string().map((s) => s.replace(/\d/g, ''));

describe(scrubPersonalData.name, () => {
  it.each([
    ['Ring mig: anna.svensson@example.se tack', 'Ring mig: [e-mail] tack'],
    ['mail: Jörg.Müller+wc@firma.de!', 'mail: [e-mail]!'],
    ['Swedish personnummer 850709-9805 here', 'Swedish personnummer [id-number] here'],
    ['long form 198507099805', 'long form [id-number]'],
    ['over 100: 121212+1212', 'over 100: [id-number]'],
    ['samordningsnummer 850769-3334', 'samordningsnummer [id-number]'],
    ['Danish CPR 070785-1234.', 'Danish CPR [id-number].'],
    ['fødselsnummer 01018510002', 'fødselsnummer [id-number]'],
    ['D-nummer 41018510187', 'D-nummer [id-number]'],
    ['henkilötunnus 131052-308T', 'henkilötunnus [id-number]'],
    ['henkilötunnus 131052-308t', 'henkilötunnus [id-number]'],
    ['new Finnish sign 010594Y9032', 'new Finnish sign [id-number]'],
    ['glued to a label: ID850709-9805', 'glued to a label: ID[id-number]'],
  ])('scrubs %p', (input, expected) => {
    expect(sut(input)).toBe(expected);
  });

  it.each([
    ['Ring 070-123 45 67 när tvålen är slut', 'SE'],
    ['call +46 70 123 45 67', 'SE'],
    ['ring til 20 12 34 56', 'DK'],
    ['ring meg på 412 34 567', 'NO'],
    ['soita 040 123 4567', 'FI'],
    ['Tel. +49 30 1234567', 'DE'],
    ['a Swedish mobile at a Danish site: 070 123 45 67', 'DK'],
    ['a Finnish mobile at a Norwegian site: 040 123 4567', 'NO'],
    ['a German landline at a Norwegian site: 030 12345678', 'NO'],
    ['a Norwegian mobile at an American site: 412 34 567', 'US'],
  ] as const)('scrubs the phone number in %p', (input, country) => {
    const out = sut(input, country);
    expect(out).toContain(PII_MARKERS.phone);
    expect(out).not.toMatch(/\d{3}/);
  });

  it.each([
    ['a check digit that does not add up', 'personnummer 850709-9806 är fel'],
    ['a date that does not exist', 'henkilötunnus 310252-308T'],
    ['a wrong Finnish check character', 'henkilötunnus 131052-308U'],
    ['a wrong Norwegian check digit', 'fødselsnummer 01018510003'],
  ])('does not take %s for an identity number', (_, text) => {
    expect(sut(text, 'GB')).not.toContain(PII_MARKERS.nationalId);
  });

  it.each([
    ['Broken since 2026-11-30', 'DK'],
    ['Rated 10/10', 'DE'],
    ['Ingen tvål på toaletten', 'SE'],
    ['Smutsigt golv, 3 av 5 pappershållare tomma', 'SE'],
    ['Kaffemaskinen i rum 2.14 är trasig', 'SE'],
    ['Møterom 4 var for varmt, 26 grader', 'NO'],
    ['Raum 2.041 2.042 2.043', 'DE'],
    ['Ärende 02816 och 082456', 'NO'],
    ['Rated 3/5 at 14:00, room 12', 'XX'],
  ] as const)('keeps %p at a %s site as written', (text, country) => {
    expect(sut(text, country as CountryCode)).toBe(text);
  });

  it('finds a phone number that follows another number, and keeps that number', () => {
    expect(sut('Rum 12 070 123 45 67, ring om nyckeln', 'SE')).toBe('Rum 12 [phone], ring om nyckeln');
  });

  it('finds two phone numbers written one after the other', () => {
    expect(sut('Tel 070 123 45 67 08 123 456 78 tack', 'SE')).toBe('Tel [phone] tack');
  });

  it('takes the long runs of a wall of digits whole', () => {
    const wall = Array.from({ length: 60 }, (_, i) => String(10 + ((i * 37) % 90))).join(' ');
    expect(sut(`Mätvärden: ${wall}, 26 grader`, 'SE')).toBe('Mätvärden: [phone], 26 grader');
  });

  describe.each(COMMENT_SAMPLES)('$language comments at a $country site', ({ country, scrubbed, kept }) => {
    it.each(scrubbed.map((tagged) => [untag(tagged).written, untag(tagged)] as const))('scrubs %p', (_, sample) => {
      const out = sut(sample.written, country);
      for (const { kind, value, marker } of sample.personal) {
        expect(out).not.toContain(value);
        if (kind !== 'email') expect(digitsOf(out)).not.toContain(digitsOf(value));
        expect(out).toContain(marker);
      }
      expect(out).toBe(sample.stored);
    });

    it.each(kept)('keeps %p as written', (text) => {
      expect(sut(text, country)).toBe(text);
    });

    it('has at least 40 samples of each kind', () => {
      expect(scrubbed.length).toBeGreaterThanOrEqual(40);
      expect(kept.length).toBeGreaterThanOrEqual(40);
    });
  });

  it('never throws and never leaves an e-mail address behind', () => {
    fc.assert(
      fc.property(fc.string(), fc.emailAddress(), fc.string(), (before, email, after) => {
        const out = sut(`${before} ${email} ${after}`);
        expect(out).not.toContain(email);
      }),
      { numRuns: 200 },
    );
  });

  it('never throws, whatever the text and the site country', () => {
    const countries = fc.constantFrom('SE', 'DK', 'US', 'XX', '');
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 500 }), countries, (text, country) => {
        expect(typeof sut(text, country as CountryCode)).toBe('string');
      }),
      { numRuns: 200 },
    );
  });

  it('never leaves a valid phone number of any supported country behind', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PHONE_COUNTRIES),
        wordsWithoutDigits,
        writtenPhoneNumbers,
        wordsWithoutDigits,
        (site, before, phone, after) => {
          const out = sut(`${before} ${phone} ${after}`, site);
          for (const defaultCountry of PHONE_COUNTRIES) expect(findPhoneNumbersInText(out, { defaultCountry })).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never keeps a valid national identity number', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PHONE_COUNTRIES), fc.string(), writtenNationalIds, fc.string(), (site, before, id, after) => {
        const out = sut(`${before} ${id} ${after}`, site);
        expect(out).not.toContain(id);
        expect(digitsOf(out)).not.toContain(digitsOf(id));
      }),
      { numRuns: 300 },
    );
  });
});
