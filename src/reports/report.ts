import { stringify } from 'csv-stringify/sync';
import type { Language } from '../catalog/catalog.types';
import type { Attainment } from '../scoring/composite';
import type { DriversView, HeatmapView } from '../scoring/insights.service';
import type { ContractScorecard } from '../scoring/scorecard.service';

/** Everything a contract's report shows, each figure as the scoring module computed it (with its n). */
export interface ReportModel {
  language: Language;
  contract: { key: string; name: string; provider: string; client: string };
  period: string;
  generatedAt: string;
  card: ContractScorecard;
  /** The period and the two before it, oldest first. */
  trend: Array<{ period: string; experienceIndex: number | null; n: number; xla: number | null; sla: number | null }>;
  /** The contract's drivers, reasons, comments and coverage; absent on a site's live page (they are contract-wide). */
  drivers?: DriversView;
  heatmap?: HeatmapView;
  /** The one site a live page is about; absent: the whole contract. */
  site?: string;
}

/** Met objectives of an attainment pair, n of m with data (those without data left out and named). */
export function objectivesMet(a: { xla: Attainment; sla: Attainment }): { met: number; of: number; insufficient: number } {
  const met = a.xla.met.length + a.sla.met.length;
  return { met, of: met + a.xla.notMet.length + a.sla.notMet.length, insufficient: a.xla.insufficientData.length + a.sla.insufficientData.length };
}

export const CSV_COLUMNS = ['contract', 'period', 'site', 'objective', 'kind', 'indicator', 'value', 'numerator', 'denominator', 'sample', 'target', 'status'] as const;

/**
 * The CSV: one row per site and objective (and the contract's own rows, site empty), with value,
 * numerator, denominator, sample, target and status as the scorecard gives them; a value with
 * insufficient data is empty, never a number that looks real.
 */
export function reportCsv(model: ReportModel): string {
  const targets = new Map(model.card.objectives.map((o) => [o.key, o.target]));
  const row = (site: string, o: { key: string; kind: string; indicator: string; value: number | null; numerator: number; denominator: number; sample: number; status: string }) => ({
    contract: model.contract.key,
    period: model.period,
    site,
    objective: o.key,
    kind: o.kind,
    indicator: o.indicator,
    value: o.value ?? '',
    numerator: o.numerator,
    denominator: o.denominator,
    sample: o.sample,
    target: targets.get(o.key) ?? '',
    status: o.status,
  });
  const rows = [...model.card.objectives.map((o) => row('', o)), ...model.card.sites.flatMap((s) => s.objectives.map((o) => row(s.site, o)))];
  return stringify(rows, { header: true, columns: [...CSV_COLUMNS] });
}
