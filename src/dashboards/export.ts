import type { ContractFile } from '../catalog/contract-file.schema';
import { contractInputOf } from './contract-inputs';
import { dashboardSpecs } from './dashboards';
import { dashboardJson, renderDashboard } from './render';

/** A dashboard file: its name (the uid) and its bytes. */
export interface DashboardFile {
  name: string;
  json: string;
}

/**
 * The provider's dashboards of some contract files, as Grafana's file provisioning reads them:
 * each contract's three and data health, one `<uid>.json` each, sorted by name. The same files in
 * give the same bytes out.
 */
export function exportDashboards(specs: readonly ContractFile[]): DashboardFile[] {
  const contracts = specs.map(contractInputOf);
  const language = new Map(contracts.map((c) => [c.key, c.language]));
  return dashboardSpecs(contracts, true)
    .map((d) => ({ name: `${d.uid}.json`, json: dashboardJson(renderDashboard(d, d.contract ? language.get(d.contract.key)! : 'en')) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
