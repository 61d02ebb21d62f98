import { LANGUAGES, type Language } from '../../catalog/catalog.types';

const ALIASES: Record<string, Language> = { no: 'nb', nn: 'nb' };

export const isLanguage = (value: unknown): value is Language => typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);

/** The first supported language in an Accept-Language header, by q-value; Norwegian in any form is bokmål. Pure. */
export function fromAcceptLanguage(header: string | undefined): Language | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part, order) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/i.exec(p)?.[1]).find(Boolean);
      return { primary: tag.trim().toLowerCase().split('-')[0] ?? '', q: q === undefined ? 1 : Number(q), order };
    })
    .filter((r) => r.q > 0 && r.primary !== '*')
    .sort((a, b) => b.q - a.q || a.order - b.order);
  for (const { primary } of ranked) {
    const language = ALIASES[primary] ?? primary;
    if (isLanguage(language)) return language;
  }
  return undefined;
}

/** The page language: an explicit choice (?lang or the form's), else the browser's, else the site's. */
export function pickLanguage(choice: unknown, acceptLanguage: string | undefined, siteLanguage: Language): Language {
  if (isLanguage(choice)) return choice;
  return fromAcceptLanguage(acceptLanguage) ?? siteLanguage;
}
