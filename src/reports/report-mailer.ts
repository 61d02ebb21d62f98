import { Injectable, Logger } from '@nestjs/common';
import { isLanguage } from '../feedback/pages/language';
import { Clock } from '../platform/clock';
import { MailSender } from '../platform/mail/mail-sender';
import { REPORT_TEXTS } from './report-texts';
import { ReportsRepository, type UnsentReport } from './reports.repository';

/** A report's e-mail is tried this many times (each run of the monthly job), then left with its error in the list. */
export const MAX_EMAIL_ATTEMPTS = 8;

/**
 * E-mails stored monthly reports to their contract's report recipients (contract YAML `reports`)
 * when SMTP_URL is set: one message to all of them, in the report's language, with the PDF and the
 * CSV attached. A failure is recorded on the report and tried again on the next run; a sent one is
 * recorded with its recipients and never sent again.
 */
@Injectable()
export class ReportMailer {
  private readonly logger = new Logger(ReportMailer.name);

  constructor(
    private readonly reports: ReportsRepository,
    private readonly mail: MailSender,
    private readonly clock: Clock,
  ) {}

  /** Sends every ready report not yet sent; how many went and how many failed. Without SMTP, none is tried. */
  async sendDue(): Promise<{ sent: number; failed: number }> {
    if (!this.mail.configured) return { sent: 0, failed: 0 };
    let sent = 0;
    let failed = 0;
    for (const report of await this.reports.unsent(MAX_EMAIL_ATTEMPTS)) {
      try {
        await this.send(report);
        await this.reports.emailed(report, { to: report.recipients, at: this.clock.now() });
        sent++;
      } catch (err) {
        failed++;
        const error = (err as Error).message.slice(0, 1000);
        this.logger.error(`E-mailing the ${report.period} report of ${report.contract} failed (attempt ${report.emailAttempts + 1} of ${MAX_EMAIL_ATTEMPTS}): ${error}`);
        await this.reports.emailed(report, { error });
      }
    }
    return { sent, failed };
  }

  private async send(report: UnsentReport): Promise<void> {
    const language = isLanguage(report.language) ? report.language : 'en';
    const t = REPORT_TEXTS[language];
    const { pdf, csv } = await this.reports.attachments(report.clientId, report.id);
    await this.mail.send({
      to: report.recipients,
      subject: `${t.title} – ${report.contractName} – ${report.period}`,
      text: t.mailBody.replace('{contract}', report.contractName).replace('{period}', report.period),
      headers: { 'Content-Language': language },
      // The same report is one message, however often it is tried: a receiver can tell a repeat.
      messageId: `<report-${report.id}@xla-monitor>`,
      attachments: [
        { filename: `${report.contract}-${report.period}.pdf`, content: pdf, contentType: 'application/pdf' },
        { filename: `${report.contract}-${report.period}.csv`, content: csv, contentType: 'text/csv; charset=utf-8' },
      ],
    });
  }
}
