import {
  findPhoneNumbersInText,
  isSupportedCountry,
  parsePhoneNumberFromString,
  type CountryCode,
  type PhoneNumber,
} from 'libphonenumber-js/max';

export const PII_MARKERS = { email: '[e-mail]', phone: '[phone]', nationalId: '[id-number]' } as const;

/** Countries whose national phone formats are recognised at every site, whatever the site's own country. */
export const PHONE_COUNTRIES = ['SE', 'DK', 'NO', 'FI', 'DE', 'GB'] as const satisfies readonly CountryCode[];

// Local part: RFC 5322 atext and dots.
const EMAIL = /[\p{L}\p{N}!#$%&'*+/=?^_`{|}~.-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;

// An identity number is never part of a longer number, nor follows a plus sign (an international phone
// number); a letter may touch it (`ID850709-9805`): its date and check digits keep most codes out.
const ID_START = String.raw`(?<![\p{N}+])`;
const ID_END = String.raw`(?!\p{N})`;
/** Finnish henkilötunnus: DDMMYY, a century sign, NNN and a check character, either case. */
const FINNISH_ID = new RegExp(String.raw`${ID_START}(\d{6})([-+A-FU-Y])(\d{3})([0-9A-Y])(?![\p{L}\p{N}])`, 'giu');
/** Norwegian fødselsnummer (and D- and H-numbers): DDMMYY and five digits. */
const NORWEGIAN_ID = new RegExp(String.raw`${ID_START}(\d{6})[ -]?(\d{5})${ID_END}`, 'gu');
/** Swedish personnummer (YYMMDD-NNNN, YYYYMMDDNNNN, + past 100) and Danish CPR (DDMMYY-NNNN). */
const SWEDISH_OR_DANISH_ID = new RegExp(String.raw`${ID_START}((?:19|20)?\d{6})([-+ ]?)(\d{4})${ID_END}`, 'gu');

// libphonenumber-js would take these for numbers (2026-11-30 is a Danish mobile); they are hidden from it.
const NOT_PHONE_NUMBERS = [
  // Year first and year ranges: 2026-11-30, 2026/11/30, 2025-2026, 2025/26.
  /(?<![\d./-])(?:19|20)\d\d([-/.])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01])(?![./-]?\d)/g,
  /(?<![\d./-])(?:19|20)\d\d ?[-–/] ?(?:19|20)?\d\d(?![./-]?\d)/g,
  // Day first: 30.11.2026, 30/11/26, 30-11-2026.
  /(?<![\d./-])(?:0?[1-9]|[12]\d|3[01])([-./])(?:0?[1-9]|1[0-2])\1(?:19|20)?\d\d(?![./-]?\d)/g,
  // Month first: 11/30/2026.
  /(?<![\d./-])(?:0?[1-9]|1[0-2])\/(?:0?[1-9]|[12]\d|3[01])\/(?:19|20)?\d\d(?![./-]?\d)/g,
  // Times and spans of time: 07:30, 7.30, 14:00–15:00.
  /(?<![\d.:/-])(?:[01]?\d|2[0-3])[.:][0-5]\d(?: ?[-–] ?(?:[01]?\d|2[0-3])[.:][0-5]\d)?(?![.:/-]?\d)/g,
  // Days without a year: 30.11.
  /(?<![\d./-])(?:0?[1-9]|[12]\d|3[01])\.(?:0?[1-9]|1[0-2])\.(?!\d)/g,
  // Scores and days: 10/10, 3/5, 11/30.
  /(?<![\d./-])\d{1,2}\/\d{1,2}(?![./-]?\d)/g,
  // A full stop at the end of a sentence, which no phone number is written with: `Raum 1.648. 2003 …`.
  /(?<=\d)\.(?=\s)/g,
];
// Not a letter, digit or phone punctuation, so it breaks a phone number candidate without gluing its neighbours.
const HIDDEN = '\uFFFC';

// Digit groups joined by the punctuation phone numbers are written with.
const DIGIT_RUN = /[+(]?\d(?:[\d\s()./–-]*\d)?/g;
const MAX_GROUPS_IN_NUMBER = 7;
const MIN_DIGITS_IN_NUMBER = 7;
const MAX_DIGITS_IN_NUMBER = 17;
const MAX_CANDIDATES_TRIED = 12;
// Beyond this many digit groups a text is a list of numbers, not a comment: its long runs go whole.
const MAX_GROUPS_SEARCHED = 40;

interface Span {
  start: number;
  end: number;
}

/** Digit groups joined by phone punctuation, and the groups in it. */
interface DigitRun extends Span {
  groups: Span[];
}

interface NationalIdSpan extends Span {
  /** False for an unhyphenated Danish CPR without a mod-11 check: a phone number when it dials as one. */
  certain: boolean;
}

/**
 * Removes e-mail addresses, phone numbers and Nordic national identity numbers from free text, and
 * keeps everything else (dates, times, scores, room numbers) exactly as written. A phone number
 * counts when libphonenumber-js finds it valid with the site's country or any of PHONE_COUNTRIES as
 * default, or in international form. Pure; never throws.
 */
export function scrubPersonalData(text: string, country: CountryCode = 'SE'): string {
  // An arrow, because libphonenumber-js appends its metadata to the arguments it is given.
  const countries = [...new Set<string>([country, ...PHONE_COUNTRIES])].filter((c) => isSupportedCountry(c));
  const withoutEmails = text.replace(EMAIL, PII_MARKERS.email);
  const ids = nationalIdSpans(withoutEmails);
  const certainIds = ids.filter((id) => id.certain);
  const phones = phoneNumberSpans(withoutEmails, certainIds, countries);
  const isPhone = (id: Span) => phones.some((p) => p.start <= id.start && id.end <= p.end);
  const otherIds = ids.filter((id) => !id.certain && !isPhone(id));
  return replaceSpans(withoutEmails, [
    ...[...certainIds, ...otherIds].map((span) => ({ ...span, marker: PII_MARKERS.nationalId })),
    ...phones.map((span) => ({ ...span, marker: PII_MARKERS.phone })),
  ]);
}

function nationalIdSpans(text: string): NationalIdSpan[] {
  const spans: NationalIdSpan[] = [];
  const add = (match: RegExpExecArray, certain: boolean) =>
    spans.push({ start: match.index, end: match.index + match[0].length, certain });
  for (const m of text.matchAll(FINNISH_ID)) if (isFinnishId(m[1], m[3], m[4])) add(m, true);
  for (const m of text.matchAll(NORWEGIAN_ID)) if (isNorwegianId(m[1] + m[2])) add(m, true);
  for (const m of text.matchAll(SWEDISH_OR_DANISH_ID)) {
    const [, birth, separator, serial] = m;
    if (isSwedishId(birth, serial)) add(m, true);
    // CPR numbers from 2007 on need not pass mod 11.
    else if (birth.length === 6 && isDanishBirthDate(birth)) add(m, separator === '-' || isDanishMod11(birth + serial));
  }
  return spans;
}

function phoneNumberSpans(text: string, certainIds: readonly Span[], countries: readonly CountryCode[]): Span[] {
  const withoutDates = NOT_PHONE_NUMBERS.reduce((t, pattern) => t.replace(pattern, (m) => HIDDEN.repeat(m.length)), text);
  const visible = hide(withoutDates, certainIds);
  const runs: DigitRun[] = [...visible.matchAll(DIGIT_RUN)].map((run) => ({
    start: run.index,
    end: run.index + run[0].length,
    groups: [...run[0].matchAll(/\d+/g)].map((g) => ({ start: run.index + g.index, end: run.index + g.index + g[0].length })),
  }));
  if (runs.reduce((n, run) => n + run.groups.length, 0) > MAX_GROUPS_SEARCHED) {
    const long = runs.filter((run) => visible.slice(run.start, run.end).replace(/\D/g, '').length >= MIN_DIGITS_IN_NUMBER);
    return long.map(({ start, end }) => ({ start, end }));
  }
  // libphonenumber-js retries a long run group by group at a cost; such runs are left to the stretches below.
  const searched = hide(visible, runs.filter((run) => run.groups.length > MAX_GROUPS_IN_NUMBER));
  const found: Span[] = [];
  for (const defaultCountry of countries) {
    for (const { number, startsAt, endsAt } of findPhoneNumbersInText(searched, { defaultCountry })) {
      if (isWrittenAsDialled(searched.slice(startsAt, endsAt), number)) found.push({ start: startsAt, end: endsAt });
    }
  }
  return mergeSpans([...found, ...numbersGluedToOtherDigits(visible, runs, countries, found)]);
}

function hide(text: string, spans: readonly Span[]): string {
  return spans.reduce((t, { start, end }) => t.slice(0, start) + HIDDEN.repeat(end - start) + t.slice(end), text);
}

/**
 * libphonenumber-js judges a whole run of digit groups at once, so `rum 12 070 123 45 67` hides a
 * valid number behind the room number, and two numbers in a row hide each other (and `5, 0046…` the
 * second number). Tries the stretches of consecutive groups in the runs it left uncovered; past a
 * budget of candidates the rest of a run is taken whole, so a wall of digits costs no more than a comment.
 */
function numbersGluedToOtherDigits(
  text: string,
  runs: readonly DigitRun[],
  countries: readonly CountryCode[],
  found: readonly Span[],
): Span[] {
  const spans: Span[] = [];
  const verdicts = new Map<string, boolean>();
  for (const { groups } of runs) {
    if (groups.every((g) => found.some((f) => f.start <= g.start && g.end <= f.end))) continue;
    tryStretches: for (let first = 0; first < groups.length; first++) {
      const leading = text[groups[first].start - 1];
      const start = leading === '+' || leading === '(' ? groups[first].start - 1 : groups[first].start;
      if (/\p{L}/u.test(text[start - 1] ?? '')) continue;
      for (let last = first; last < groups.length && last < first + MAX_GROUPS_IN_NUMBER; last++) {
        const candidate = text.slice(start, groups[last].end);
        const digits = candidate.replace(/\D/g, '').length;
        if (digits > MAX_DIGITS_IN_NUMBER) break;
        const touchesLetter = /\p{L}/u.test(text[groups[last].end] ?? '');
        if (digits < MIN_DIGITS_IN_NUMBER || touchesLetter || !mayBeDialled(candidate)) continue;
        let verdict = verdicts.get(candidate);
        if (verdict === undefined) {
          if (verdicts.size >= MAX_CANDIDATES_TRIED) {
            spans.push({ start, end: groups[groups.length - 1].end });
            break tryStretches;
          }
          verdict = countries.some((c) => isDialledAsGrouped(candidate, c));
          verdicts.set(candidate, verdict);
        }
        if (verdict) spans.push({ start, end: groups[last].end });
      }
    }
  }
  return spans;
}

/**
 * Written with its trunk prefix when in national form, as Google's libphonenumber asks of a valid match
 * (libphonenumber-js skips that check), and long enough to be a subscriber's: without these, `3/5 20 12
 * 34 56` would hold a Swedish landline and `ärende 02816` a Norwegian service number.
 */
function isWrittenAsDialled(written: string, number: PhoneNumber): boolean {
  const digits = written.replace(/\D/g, '');
  const national = number.formatNational().replace(/\D/g, '');
  return digits === national ? digits.length >= MIN_DIGITS_IN_NUMBER : !national.endsWith(digits);
}

/**
 * Stricter, for digit groups cut out of a longer run: in international form it must be valid; in
 * national form also written apart by spaces or dashes only, or grouped as the country formats it,
 * so that `2.041 2.042` stays two rooms rather than a Danish number.
 */
function isDialledAsGrouped(candidate: string, country: CountryCode): boolean {
  const number = parsePhoneNumberFromString(candidate, country);
  if (!number?.isValid() || !isWrittenAsDialled(candidate, number)) return false;
  const national = number.formatNational();
  if (candidate.replace(/\D/g, '') !== national.replace(/\D/g, '') || /^[\d -]+$/.test(candidate)) return true;
  const nationalGroupEnds = new Set(groupEnds(national));
  return groupEnds(candidate).every((end) => nationalGroupEnds.has(end));
}

/** In international form, or in groups of two or more digits: `2 041 2 042` is no national number. */
function mayBeDialled(candidate: string): boolean {
  return /^\(?(?:\+|00)/.test(candidate) || !/(?<!\d)\d(?!\d)/.test(candidate);
}

/** How many digits precede each break between digit groups. */
function groupEnds(text: string): number[] {
  let digits = 0;
  return [...text.matchAll(/\d+/g)].map((group) => (digits += group[0].length)).slice(0, -1);
}

/** Overlapping or touching spans become one, so one number gives one marker. */
function mergeSpans<T extends Span>(spans: readonly T[]): T[] {
  const merged: T[] = [];
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    const last = merged.at(-1);
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}

function replaceSpans(text: string, spans: readonly (Span & { marker: string })[]): string {
  let out = '';
  let at = 0;
  for (const span of mergeSpans(spans)) {
    out += text.slice(at, span.start) + span.marker;
    at = span.end;
  }
  return out + text.slice(at);
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isCalendarDay(day: number, month: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= DAYS_IN_MONTH[month - 1];
}

const digitsOf = (s: string): number[] => [...s].map(Number);

/** YYMMDD or YYYYMMDD (day + 60 for a samordningsnummer), and Luhn over the last ten digits. */
function isSwedishId(birth: string, rest: string): boolean {
  const short = birth.slice(-6);
  const month = Number(short.slice(2, 4));
  const day = Number(short.slice(4, 6));
  if (!isCalendarDay(day > 60 ? day - 60 : day, month)) return false;
  const sum = digitsOf(short + rest).reduce((acc, d, i) => {
    const weighted = i % 2 === 0 ? d * 2 : d;
    return acc + (weighted > 9 ? weighted - 9 : weighted);
  }, 0);
  return sum % 10 === 0;
}

function isDanishBirthDate(ddmmyy: string): boolean {
  return isCalendarDay(Number(ddmmyy.slice(0, 2)), Number(ddmmyy.slice(2, 4)));
}

function isDanishMod11(cpr: string): boolean {
  const weights = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1];
  return digitsOf(cpr).reduce((acc, d, i) => acc + d * weights[i], 0) % 11 === 0;
}

/**
 * DDMMYY (day + 40 for a D-number, month + 40 for an H-number, + 80 for a synthetic one) and the
 * second mod-11 check digit; not the first, which may take several values in numbers from 2032.
 */
function isNorwegianId(number: string): boolean {
  const day = Number(number.slice(0, 2));
  const month = Number(number.slice(2, 4)) % 40;
  if (!isCalendarDay(day > 40 ? day - 40 : day, month)) return false;
  const weights = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
  const digits = digitsOf(number);
  const check = (11 - (weights.reduce((acc, w, i) => acc + w * digits[i], 0) % 11)) % 11;
  return check === digits[10];
}

const FINNISH_CHECK_CHARACTERS = '0123456789ABCDEFHJKLMNPRSTUVWXY';

function isFinnishId(birth: string, serial: string, check: string): boolean {
  if (!isCalendarDay(Number(birth.slice(0, 2)), Number(birth.slice(2, 4)))) return false;
  return FINNISH_CHECK_CHARACTERS[Number(birth + serial) % 31] === check.toUpperCase();
}
