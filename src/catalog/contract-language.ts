import type { Language } from './catalog.types';

/**
 * A contract's language (its dashboards, reports and live page): the one its file states, else its
 * sites' most common, and on a tie the language of the first of the tied sites by key. The one rule
 * every reader follows (the contract file's dashboards, the reports from the catalog, and the
 * `reporting.contracts` view, migration 1765000000015).
 */
export function contractLanguage(stated: Language | null | undefined, sites: ReadonlyArray<{ key: string; language: Language }>): Language {
  if (stated) return stated;
  const counts = new Map<Language, { n: number; firstKey: string }>();
  for (const site of sites) {
    const seen = counts.get(site.language);
    counts.set(site.language, { n: (seen?.n ?? 0) + 1, firstKey: seen && seen.firstKey < site.key ? seen.firstKey : site.key });
  }
  const ranked = [...counts].sort((a, b) => b[1].n - a[1].n || (a[1].firstKey < b[1].firstKey ? -1 : 1));
  return ranked[0]?.[0] ?? 'en';
}
