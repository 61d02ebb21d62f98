import { newStemmer, type Stemmer } from 'snowball-stemmers';
import type { Language } from '../catalog/catalog.types';
import { NEGATORS, THEME_WORDS, THEMES, type Theme } from './theme-words';
import { appendTo } from '../platform/group-by';

export { THEMES, type Theme } from './theme-words';

/** Snowball algorithm per comment language. */
const ALGORITHM: Readonly<Record<Language, string>> = {
  sv: 'swedish',
  da: 'danish',
  nb: 'norwegian',
  fi: 'finnish',
  en: 'english',
  de: 'german',
};

/** Parts of compounds shorter than this match only whole words (so "tis" does not match "tisdag"). */
const MIN_PART = 4;
/** Words after a negator in which praise does not count ("inte rent", "not clean at all"). */
const NEGATION_REACH = 2;

interface Entry {
  theme: Theme;
  raw: string[];
  stems: string[];
}

interface Lexicon {
  stemmer: Stemmer;
  /** Longest first. */
  phrases: Entry[];
  words: Entry[];
  negators: ReadonlySet<string>;
  /** Each word's stem and themes as found before: a rebuild reads hundreds of thousands of comments of a few thousand words. */
  seen: Map<string, { stem: string; themes: Theme[] }>;
}

/** Words a lexicon remembers before it starts again (bounded memory; a language has far fewer in comments). */
const SEEN_WORDS = 50_000;

export interface CommentInput {
  text: string;
  language: Language;
}

export interface ThemeShare {
  theme: Theme;
  count: number;
  /** Share of all comments given that name the theme, 0–1. */
  share: number;
  examples: string[];
}

const lexicons = new Map<Language, Lexicon>();

/** Lower-cased words of a text: letters and digits, an inner apostrophe kept ("doesn't"). */
export function wordsOf(text: string): string[] {
  return (text.normalize('NFC').toLowerCase().replace(/’/g, "'").match(/[\p{L}\p{N}]+(?:'[\p{L}]+)*/gu) ?? []);
}

/** The Snowball stems of a text's words in its language. */
export function stemsOf(text: string, language: Language): string[] {
  const { stemmer } = lexiconOf(language);
  return wordsOf(text).map((w) => stemmer.stem(w));
}

/** The stemmed theme words of a language, built once. */
function lexiconOf(language: Language): Lexicon {
  let lexicon = lexicons.get(language);
  if (!lexicon) {
    const stemmer = newStemmer(ALGORITHM[language]);
    const entries = THEMES.flatMap((theme) =>
      THEME_WORDS[language][theme].map((text): Entry => {
        const raw = wordsOf(text);
        return { theme, raw, stems: raw.map((w) => stemmer.stem(w)) };
      }),
    );
    const negators = new Set(NEGATORS[language]);
    const phrases = entries.filter((e) => e.raw.length > 1).sort((a, b) => b.stems.length - a.stems.length);
    lexicon = { stemmer, phrases, words: entries.filter((e) => e.raw.length === 1), negators, seen: new Map() };
    lexicons.set(language, lexicon);
  }
  return lexicon;
}

/** Whether a word is, or (outside English) is a compound made with, a theme word. */
function wordMatch(entry: Entry, raw: string, stem: string, compounds: boolean): 'exact' | 'part' | undefined {
  const [entryRaw, entryStem] = [entry.raw[0], entry.stems[0]];
  if (stem === entryStem || raw === entryRaw) return 'exact';
  if (!compounds) return undefined;
  const stemPart = entryStem.length >= MIN_PART && (stem.startsWith(entryStem) || stem.endsWith(entryStem));
  const rawPart = entryRaw.length >= MIN_PART && raw.startsWith(entryRaw);
  return stemPart || rawPart ? 'part' : undefined;
}

/** Themes of one word: exact matches win, else the longest compound part (pappershanddukar is towels, not paper). */
function themesOfWord(lexicon: Lexicon, raw: string, stem: string, compounds: boolean): Theme[] {
  const matches = lexicon.words.map((e) => ({ e, how: wordMatch(e, raw, stem, compounds) })).filter((m) => m.how);
  const exact = matches.filter((m) => m.how === 'exact');
  if (exact.length > 0) return exact.map((m) => m.e.theme);
  const longest = Math.max(0, ...matches.map((m) => m.e.raw[0].length));
  return matches.filter((m) => m.e.raw[0].length === longest).map((m) => m.e.theme);
}

/** Phrases first ("out of order", "i stykker"); their words are then used up. */
function phraseThemes(lexicon: Lexicon, stems: string[], used: boolean[]): Array<{ theme: Theme; at: number }> {
  const found: Array<{ theme: Theme; at: number }> = [];
  for (const phrase of lexicon.phrases) {
    for (let i = 0; i + phrase.stems.length <= stems.length; i++) {
      const span = phrase.stems.map((_, j) => i + j);
      if (span.some((k) => used[k]) || phrase.stems.some((s, j) => stems[i + j] !== s)) continue;
      span.forEach((k) => (used[k] = true));
      found.push({ theme: phrase.theme, at: i });
    }
  }
  return found;
}

/** A word's stem and its themes as a word alone (themesOfWord), remembered by the lexicon. */
function wordOf(lexicon: Lexicon, raw: string, compounds: boolean): { stem: string; themes: Theme[] } {
  let known = lexicon.seen.get(raw);
  if (!known) {
    const stem = lexicon.stemmer.stem(raw);
    known = { stem, themes: themesOfWord(lexicon, raw, stem, compounds) };
    if (lexicon.seen.size >= SEEN_WORDS) lexicon.seen.clear();
    lexicon.seen.set(raw, known);
  }
  return known;
}

/** Whether a negator stands within reach before a word. */
function negated(lexicon: Lexicon, words: string[], at: number): boolean {
  return words.slice(Math.max(0, at - NEGATION_REACH), at).some((w) => lexicon.negators.has(w));
}

/** The themes a scrubbed comment names, in THEMES order; praise after a negator does not count. */
export function themesOf(text: string, language: Language): Theme[] {
  const lexicon = lexiconOf(language);
  const words = wordsOf(text);
  const known = words.map((w) => wordOf(lexicon, w, language !== 'en'));
  const used = words.map(() => false);
  const found = phraseThemes(
    lexicon,
    known.map((k) => k.stem),
    used,
  );
  known.forEach((k, i) => {
    if (!used[i]) for (const theme of k.themes) found.push({ theme, at: i });
  });
  const kept = new Set(found.filter((f) => f.theme !== 'praise' || !negated(lexicon, words, f.at)).map((f) => f.theme));
  return THEMES.filter((t) => kept.has(t));
}

/** Share of comments per theme, most named first, with up to `examples` example comments each. */
export function themeShares(comments: readonly CommentInput[], examples = 3): ThemeShare[] {
  const byTheme = new Map<Theme, string[]>();
  for (const comment of comments) {
    for (const theme of themesOf(comment.text, comment.language)) {
      appendTo(byTheme, theme, comment.text);
    }
  }
  return [...byTheme.entries()]
    .map(([theme, texts]) => ({
      theme,
      count: texts.length,
      share: texts.length / comments.length,
      examples: texts.slice(0, examples),
    }))
    .sort((a, b) => b.count - a.count || THEMES.indexOf(a.theme) - THEMES.indexOf(b.theme));
}
