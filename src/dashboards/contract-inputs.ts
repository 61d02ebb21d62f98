import type { Language } from '../catalog/catalog.types';
import type { ContractFile } from '../catalog/contract-file.schema';
import type { ContractInput } from './dashboards';

/** A contract's dashboards in its language: its sites' most common, the first site's on a tie. */
export function contractLanguage(spec: ContractFile): Language {
  const counts = new Map<Language, number>();
  for (const site of spec.sites) counts.set(site.language, (counts.get(site.language) ?? 0) + 1);
  // Map keeps first appearance order, and the sort is stable.
  return [...counts].sort((a, b) => b[1] - a[1])[0][0];
}

/** What the dashboards of a contract file show: its key, name, language and objectives as written. */
export function contractInputOf(spec: ContractFile): ContractInput & { client: { key: string; name: string } } {
  return {
    client: spec.client,
    key: spec.contract.key,
    name: spec.contract.name,
    language: contractLanguage(spec),
    objectives: spec.objectives.map((o) => ({ key: o.key, kind: o.kind, indicator: o.indicator, target: o.target })),
  };
}
