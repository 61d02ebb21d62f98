import fc from 'fast-check';
import { PII_MARKERS, scrubPersonalData } from './pii-scrubber';

describe(scrubPersonalData.name, () => {
  it.each([
    ['Ring mig: anna.svensson@example.se tack', 'Ring mig: [e-mail] tack'],
    ['mail: Jörg.Müller+wc@firma.de!', 'mail: [e-mail]!'],
    ['Swedish personnummer 850709-9805 here', 'Swedish personnummer [id-number] here'],
    ['long form 198507099805', 'long form [id-number]'],
    ['over 100: 121212+1212', 'over 100: [id-number]'],
    ['Danish CPR 070785-1234.', 'Danish CPR [id-number].'],
    ['fødselsnummer 01018512345', 'fødselsnummer [id-number]'],
    ['henkilötunnus 131052-308T', 'henkilötunnus [id-number]'],
    ['new Finnish sign 010594Y9032', 'new Finnish sign [id-number]'],
  ])('scrubs %p', (input, expected) => {
    expect(scrubPersonalData(input)).toBe(expected);
  });

  it.each([
    ['Ring 070-123 45 67 när tvålen är slut', 'SE'],
    ['call +46 70 123 45 67', 'SE'],
    ['ring til 20 12 34 56', 'DK'],
    ['ring meg på 412 34 567', 'NO'],
    ['soita 040 123 4567', 'FI'],
    ['Tel. +49 30 1234567', 'DE'],
  ] as const)('scrubs the phone number in %p', (input, country) => {
    const out = scrubPersonalData(input, country);
    expect(out).toContain(PII_MARKERS.phone);
    expect(out).not.toMatch(/\d{3}/);
  });

  it('keeps ordinary comments as they are', () => {
    for (const text of ['Ingen tvål på toaletten', 'Smutsigt golv, 3 av 5 pappershållare tomma', 'Kaffemaskinen i rum 2.14 är trasig', 'Møterom 4 var for varmt, 26 grader']) {
      expect(scrubPersonalData(text)).toBe(text);
    }
  });

  it('never throws and never leaves an e-mail address behind', () => {
    fc.assert(
      fc.property(fc.string(), fc.emailAddress(), fc.string(), (before, email, after) => {
        const out = scrubPersonalData(`${before} ${email} ${after}`);
        expect(out).not.toContain(email);
      }),
      { numRuns: 200 },
    );
  });
});
