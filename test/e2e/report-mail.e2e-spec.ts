import { appendFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import request from 'supertest';
import { Clock } from '../../src/platform/clock';
import { MAX_EMAIL_ATTEMPTS } from '../../src/reports/report-mailer';
import { ReportsScheduler } from '../../src/reports/reports.scheduler';
import { RollupsService } from '../../src/scoring/rollups.service';
import { octoberAtGamma, seedRatings } from '../support/seed-ratings';
import { smtpServer, type TestSmtpServer } from '../support/smtp-server';
import { asBytes, scorecardContracts, startTestApp, type TestApp } from '../support/test-app';

const RECIPIENTS = ['facilities@gamma.example', 'gamma-account@polar-fs.example'];

describe('Monthly reports by e-mail', () => {
  let smtp: TestSmtpServer;
  let sut: TestApp;
  let contractsDir: string;

  beforeAll(async () => {
    smtp = await smtpServer();
    contractsDir = scorecardContracts('report-mail');
    appendFileSync(join(contractsDir, 'gamma.yaml'), `reports:\n  recipients: [${RECIPIENTS.join(', ')}]\n`);
    sut = await startTestApp({ env: { CONTRACTS_DIR: contractsDir, SMTP_URL: smtp.url, SMTP_FROM: 'reports@xla.example' } });
    await seedRatings(sut.dataSource, octoberAtGamma());
    const rollups = sut.app.get(RollupsService);
    await rollups.catchUp();
    await rollups.catchUpInsights();
  });
  afterAll(async () => {
    await sut.close();
    await smtp.stop();
    rmSync(contractsDir, { recursive: true, force: true });
  });

  it('sends each stored report once to its contract\'s recipients, PDF and CSV attached, retrying a refused send, and lists to whom it went', async () => {
    const clock = jest.spyOn(sut.app.get(Clock), 'now').mockReturnValue(new Date('2026-11-02T12:00:00Z'));
    try {
      const scheduler = sut.app.get(ReportsScheduler);
      // The SMTP server refuses the first try: the report is stored, its e-mail failed and recorded.
      smtp.refuseNext(1);
      expect(await scheduler.runDue()).toMatchObject({ failed: 0, emailed: 0, emailFailed: 1 });
      const viewer = await sut.keyFor('client_viewer', 'gamma');
      const list = async () =>
        ((await request(sut.http).get('/api/v1/contracts/gamma-fm/reports').set('Authorization', `Bearer ${viewer}`).expect(200)).body as {
          items: Array<{ id: string; period: string; status: string; emailedAt: string | null; emailedTo: string[] | null; emailError: string | null }>;
        }).items;
      const [failed] = await list();
      expect(failed).toMatchObject({ period: '2026-10', status: 'ready', emailedAt: null, emailedTo: null });
      expect(failed.emailError).toContain('451');

      // The next run sends it; the one after sends nothing more.
      expect(await scheduler.runDue()).toMatchObject({ generated: 0, emailed: 1, emailFailed: 0 });
      expect(await scheduler.runDue()).toMatchObject({ generated: 0, emailed: 0, emailFailed: 0 });
      expect(smtp.mails).toHaveLength(1);
      const [sent] = await list();
      expect(sent).toMatchObject({ emailedAt: '2026-11-02T12:00:00.000Z', emailedTo: RECIPIENTS, emailError: null });

      const mail = await simpleParser(smtp.mails[0].raw);
      expect(smtp.mails[0].to).toBe(RECIPIENTS.join(','));
      expect(mail.from?.text).toBe('reports@xla.example');
      expect(mail.subject).toBe('Experience and service report – Gamma FM – 2026-10');
      expect(mail.text).toContain('Attached is the experience and service report of Gamma FM for 2026-10');
      expect(mail.messageId).toBe(`<report-${sent.id}@xla-monitor>`);
      expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
        ['gamma-fm-2026-10.pdf', 'application/pdf'],
        ['gamma-fm-2026-10.csv', 'text/csv'],
      ]);
      // The attachments are the stored report's own.
      const stored = (path: string) =>
        request(sut.http)
          .get(path)
          .set('Authorization', `Bearer ${viewer}`)
          .buffer(true)
          .parse(asBytes)
          .expect(200);
      expect(Buffer.compare(mail.attachments[0].content, (await stored(`/api/v1/reports/${sent.id}.pdf`)).body as Buffer)).toBe(0);
      expect(mail.attachments[1].content.toString()).toBe(((await stored(`/api/v1/reports/${sent.id}.csv`)).body as Buffer).toString());
      // alpha names no report recipient: its report is stored, and mailed to nobody.
      expect(smtp.mails.every((m) => !m.to.includes('alpha'))).toBe(true);
    } finally {
      clock.mockRestore();
    }
  });

  it(`gives up on an e-mail after ${MAX_EMAIL_ATTEMPTS} refusals, keeping the error in the list`, async () => {
    const clock = jest.spyOn(sut.app.get(Clock), 'now').mockReturnValue(new Date('2026-12-01T12:00:00Z'));
    try {
      const scheduler = sut.app.get(ReportsScheduler);
      smtp.refuseNext(MAX_EMAIL_ATTEMPTS + 5);
      for (let i = 0; i < MAX_EMAIL_ATTEMPTS; i++) expect(await scheduler.runDue()).toMatchObject({ emailed: 0, emailFailed: 1 });
      expect(await scheduler.runDue()).toMatchObject({ emailed: 0, emailFailed: 0 });
      const [november] = (await sut.dataSource.query<Array<{ period: string; email_attempts: number; email_error: string }>>(
        `SELECT r.period, r.email_attempts, r.email_error FROM reports r JOIN contracts k ON k.id = r.contract_id WHERE k.key = 'gamma-fm' ORDER BY r.period DESC LIMIT 1`,
      ));
      expect(november).toMatchObject({ period: '2026-11', email_attempts: MAX_EMAIL_ATTEMPTS });
      expect(november.email_error).toContain('451');
    } finally {
      smtp.refuseNext(0);
      clock.mockRestore();
    }
  });
});
