import { findPhoneNumbersInText, type CountryCode } from 'libphonenumber-js';

export const PII_MARKERS = { email: '[e-mail]', phone: '[phone]', nationalId: '[id-number]' } as const;

// Local part: RFC 5322 atext and dots.
const EMAIL = /[\p{L}\p{N}!#$%&'*+/=?^_`{|}~.-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;

/**
 * Nordic national identity numbers by shape alone, on purpose: a comment loses a harmless number
 * sooner than it keeps a real one. Swedish personnummer (YYMMDD-NNNN, YYYYMMDDNNNN, with - or +),
 * Danish CPR (DDMMYY-NNNN), Norwegian fødselsnummer (11 digits), Finnish henkilötunnus
 * (DDMMYY, a century sign, NNN and a check character).
 */
const NATIONAL_IDS = [
  /(?<![\p{L}\p{N}])(?:19|20)?\d{6}[-+ ]?\d{4}(?![\p{L}\p{N}])/gu,
  /(?<![\p{L}\p{N}])\d{6} ?\d{5}(?![\p{L}\p{N}])/gu,
  /(?<![\p{L}\p{N}])\d{6}[-+A-FU-Y]\d{3}[0-9A-Y](?![\p{L}\p{N}])/gu,
];

/** Removes e-mail addresses, phone numbers and national identity numbers from free text. Pure. */
export function scrubPersonalData(text: string, country: CountryCode = 'SE'): string {
  let scrubbed = text.replace(EMAIL, PII_MARKERS.email);
  for (const pattern of NATIONAL_IDS) scrubbed = scrubbed.replace(pattern, PII_MARKERS.nationalId);
  // Replace from the end so earlier offsets stay valid.
  const phones = findPhoneNumbersInText(scrubbed, { defaultCountry: country }).sort((a, b) => b.startsAt - a.startsAt);
  for (const phone of phones) {
    scrubbed = scrubbed.slice(0, phone.startsAt) + PII_MARKERS.phone + scrubbed.slice(phone.endsAt);
  }
  return scrubbed;
}
