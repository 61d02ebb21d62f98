import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { DateTime } from 'luxon';
import type { Language } from '../catalog/catalog.types';
import { ContractDirectory } from '../catalog/contract-directory';
import type { Principal } from '../platform/access/roles';
import { Clock } from '../platform/clock';
import { AppConfig } from '../platform/config/app-config';
import { DomainException, ErrorCode } from '../platform/errors/domain.exception';
import { InsightsService } from '../scoring/insights.service';
import { periodBefore, periodLabel } from '../scoring/periods';
import { queryPeriod } from '../scoring/scorecard-window';
import { objectiveSummary, type ScopeCard } from '../scoring/scorecard';
import { ScorecardService, type ContractScorecard } from '../scoring/scorecard.service';
import { reportHtml } from './html-report';
import { ChromiumPrinter } from './pdf';
import { reportCsv, type ReportModel } from './report';
import { ReportsRepository, type ReportFormat, type StoredReport } from './reports.repository';

/**
 * The period and the two before it, oldest first: months or weeks by the calendar, a date range by
 * its own length (a bad period is a validation error that says what was expected).
 */
function trendPeriods(text: string): string[] {
  const period = queryPeriod(text);
  return [2, 1, 0].map((back) => periodLabel(periodBefore(period, back)));
}

/** The trend rows of scorecards, one per period. */
const trendOf = (periods: readonly string[], cards: ReadonlyArray<Pick<ScopeCard, 'experienceIndex' | 'attainment'>>): ReportModel['trend'] =>
  cards.map((c, i) => ({ period: periods[i], experienceIndex: c.experienceIndex.value, n: c.experienceIndex.n, xla: c.attainment.xla.value, sla: c.attainment.sla.value }));

/**
 * Monthly contract reports. Every figure is the scoring module's (its scorecard, drivers and
 * heatmap for the caller, so a client sees only its own contract): the report computes none.
 */
@Injectable()
export class ReportsService implements OnApplicationShutdown {
  private readonly printer: ChromiumPrinter;

  constructor(
    private readonly scorecards: ScorecardService,
    private readonly insights: InsightsService,
    private readonly contracts: ContractDirectory,
    private readonly reports: ReportsRepository,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.printer = new ChromiumPrinter(config.chromiumPath);
  }

  /** Closes the printing browser (the CLI calls it when done; the service at shutdown). */
  onApplicationShutdown(): Promise<void> {
    return this.printer.close();
  }

  /** The last whole calendar month (UTC label; each site reads its own local month). */
  defaultPeriod(): string {
    return DateTime.fromJSDate(this.clock.now(), { zone: 'utc' }).startOf('month').minus({ months: 1 }).toFormat('yyyy-MM');
  }

  async model(who: Principal, contractKey: string, period = this.defaultPeriod()): Promise<ReportModel> {
    const periods = trendPeriods(period);
    const cards = await Promise.all(periods.map((p) => this.scorecards.contract(who, contractKey, { period: p })));
    const [drivers, heatmap, contract] = await Promise.all([
      this.insights.drivers(who, contractKey, { period }),
      this.insights.heatmap(who, contractKey, { period, indicator: 'negative_rate' }),
      this.contractOf(contractKey),
    ]);
    return { language: contract.language, contract, period, generatedAt: this.clock.now().toISOString(), card: cards[cards.length - 1], trend: trendOf(periods, cards), drivers, heatmap };
  }

  /**
   * The live page's model: the contract's report model, or for one site its scorecard in the same
   * shape (the site its only row). A site's page leaves out the drivers, heatmap and comments,
   * which the scoring module computes per contract.
   */
  async liveModel(who: Principal, contractKey: string, siteKey: string | undefined, period: string): Promise<ReportModel> {
    if (siteKey === undefined) return this.model(who, contractKey, period);
    const periods = trendPeriods(period);
    const cards = await Promise.all(periods.map((p) => this.scorecards.site(who, siteKey, { period: p })));
    const view = cards[cards.length - 1];
    const card: ContractScorecard = {
      contract: view.contract,
      window: view.window,
      experienceIndex: view.experienceIndex,
      attainment: view.attainment,
      objectives: view.objectives,
      reasons: view.reasons,
      operations: view.operations,
      watermelons: view.watermelon ? [view.watermelon] : [],
      benchmark: { indicator: 'happy_index', sites: [] },
      sites: [{ site: view.site, watermelon: view.watermelon !== null, experienceIndex: view.experienceIndex, attainment: view.attainment, objectives: view.objectives.map(objectiveSummary) }],
    };
    const contract = await this.contractOf(contractKey);
    return { language: contract.language, contract, period, generatedAt: this.clock.now().toISOString(), card, trend: trendOf(periods, cards), site: siteKey };
  }

  async html(who: Principal, contractKey: string, period?: string): Promise<string> {
    return this.renderHtml(await this.model(who, contractKey, period));
  }

  async pdf(who: Principal, contractKey: string, period?: string): Promise<Buffer> {
    return this.renderPdf(await this.model(who, contractKey, period));
  }

  async csv(who: Principal, contractKey: string, period?: string): Promise<string> {
    return this.renderCsv(await this.model(who, contractKey, period));
  }

  renderHtml(model: ReportModel): Promise<string> {
    return reportHtml(model);
  }

  /** The report as an A4 PDF (Debian's Chromium), headed with the contract and period on every page. */
  async renderPdf(model: ReportModel): Promise<Buffer> {
    return this.printer.print(await reportHtml(model), `${model.contract.name} · ${model.period}`);
  }

  renderCsv(model: ReportModel): string {
    return reportCsv(model);
  }

  /** A contract's stored reports (404 for a contract the caller's client does not have). */
  async stored(who: Principal, contractKey: string): Promise<{ items: Array<Omit<StoredReport, 'clientId'> & { links: Record<string, string> }> }> {
    const rows = await this.reports.list(who.clientId, contractKey);
    if (!rows) throw new DomainException(ErrorCode.NotFound, `No contract "${contractKey}".`);
    return {
      items: rows.map(({ clientId: _client, ...r }) => ({
        ...r,
        links: r.status === 'ready' ? Object.fromEntries((['pdf', 'html', 'csv'] as const).map((f) => [f, `/api/v1/reports/${r.id}.${f}`])) : {},
      })),
    };
  }

  /** One stored report in a format; another client's, or one not ready, is a 404. */
  async storedContent(who: Principal, id: string, format: ReportFormat): Promise<{ body: string | Buffer; contract: string; period: string }> {
    const found = await this.reports.content(who.clientId, id, format);
    if (!found) throw new DomainException(ErrorCode.NotFound, `No report "${id}".`);
    return found;
  }

  /** The contract's names and language (contractLanguage: stated, else its sites' most common). Read after the scorecard checked access. */
  private async contractOf(key: string): Promise<ReportModel['contract'] & { language: Language }> {
    const home = await this.contracts.byKey(key);
    if (!home) throw new DomainException(ErrorCode.NotFound, `No contract "${key}".`);
    return { key: home.key, name: home.name, provider: home.provider, client: home.client, language: home.language };
  }
}
