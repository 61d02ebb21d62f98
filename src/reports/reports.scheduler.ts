import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { DateTime } from 'luxon';
import { ContractDirectory } from '../catalog/contract-directory';
import type { Principal } from '../platform/access/roles';
import { Clock } from '../platform/clock';
import { LeaderJobs, tickOf } from '../platform/database/leader-job';
import { ReportMailer } from './report-mailer';
import { ReportsRepository } from './reports.repository';
import { ReportsService } from './reports.service';

export const REPORTS_JOB = 'reports:monthly';
const EVERY_MS = 15 * 60_000;
/** A failed month is tried this many times (every 15 minutes), then left failed, in the list with its error. */
const MAX_ATTEMPTS = 8;
/** The job reads every contract: a principal of no client. */
const SYSTEM: Principal = { role: 'admin', clientId: null, siteId: null, keyId: null };

/**
 * Generates each contract's report of the last month on the 1st at 06:00 in the contract's time zone
 * (its first site's), on one leader, checking every 15 minutes: a month without a ready report is
 * generated (HTML, CSV and PDF) and stored; a failure is stored with its error, logged, and tried
 * again on the next run, never silently skipped. Then the ready reports not yet e-mailed go to their
 * contract's report recipients (when SMTP is set), a failed e-mail likewise tried again.
 */
@Injectable()
export class ReportsScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReportsScheduler.name);

  constructor(
    private readonly reports: ReportsService,
    private readonly stored: ReportsRepository,
    private readonly contracts: ContractDirectory,
    private readonly mailer: ReportMailer,
    private readonly leader: LeaderJobs,
    private readonly registry: SchedulerRegistry,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    const tick = () =>
      void this.leader.runAsLeader(REPORTS_JOB, tickOf(this.clock.now(), EVERY_MS), () => this.runDue()).catch((err: Error) => this.logger.warn(`Monthly reports failed: ${err.message}`));
    this.registry.addInterval(REPORTS_JOB, setInterval(tick, EVERY_MS).unref());
  }

  onApplicationShutdown(): void {
    if (this.registry.doesExist('interval', REPORTS_JOB)) this.registry.deleteInterval(REPORTS_JOB);
  }

  /** Generates the reports due at the clock's now, then e-mails those not yet sent; how many of each, and how many failed. */
  async runDue(): Promise<{ generated: number; failed: number; emailed: number; emailFailed: number }> {
    const now = this.clock.now();
    let generated = 0;
    let failed = 0;
    for (const contract of await this.contracts.all()) {
      const local = DateTime.fromJSDate(now, { zone: contract.timeZone });
      if (local < local.startOf('month').set({ hour: 6 })) continue;
      const period = local.minus({ months: 1 }).toFormat('yyyy-MM');
      const existing = await this.stored.find(contract.id, period);
      if (existing?.status === 'ready' || (existing && existing.attempts >= MAX_ATTEMPTS)) continue;
      try {
        const model = await this.reports.model(SYSTEM, contract.key, period);
        const [html, pdf] = [await this.reports.renderHtml(model), await this.reports.renderPdf(model)];
        await this.stored.store(contract, period, now, { html, pdf, csv: this.reports.renderCsv(model), language: model.language });
        generated++;
      } catch (err) {
        failed++;
        const error = (err as Error).message.slice(0, 1000);
        this.logger.error(`The ${period} report of ${contract.key} failed (attempt ${(existing?.attempts ?? 0) + 1} of ${MAX_ATTEMPTS}): ${error}`);
        await this.stored.store(contract, period, now, { error });
      }
    }
    const mail = await this.mailer.sendDue();
    return { generated, failed, emailed: mail.sent, emailFailed: mail.failed };
  }
}
