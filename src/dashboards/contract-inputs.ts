import { contractLanguage } from '../catalog/contract-language';
import type { ContractFile } from '../catalog/contract-file.schema';
import type { ContractInput } from './dashboards';

/** What the dashboards of a contract file show: its key, name, language and objectives as written. */
export function contractInputOf(spec: ContractFile): ContractInput & { client: { key: string; name: string } } {
  return {
    client: spec.client,
    key: spec.contract.key,
    name: spec.contract.name,
    language: contractLanguage(spec.contract.language, spec.sites),
    objectives: spec.objectives.map((o) => ({ key: o.key, kind: o.kind, indicator: o.indicator, target: o.target })),
  };
}
