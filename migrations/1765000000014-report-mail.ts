import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Monthly reports by e-mail (issue 16): each contract names its report recipients (contract YAML
 * `reports`), and each stored report records when it went to whom, or why it did not yet.
 */
export class ReportMail1765000000014 implements MigrationInterface {
  name = 'ReportMail1765000000014';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE contracts ADD COLUMN report_policy jsonb NOT NULL DEFAULT '{}'`);
    await q.query(`
      ALTER TABLE reports
        ADD COLUMN emailed_at timestamptz,
        ADD COLUMN emailed_to text[],
        ADD COLUMN email_attempts integer NOT NULL DEFAULT 0,
        ADD COLUMN email_error text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE reports DROP COLUMN emailed_at, DROP COLUMN emailed_to, DROP COLUMN email_attempts, DROP COLUMN email_error`);
    await q.query(`ALTER TABLE contracts DROP COLUMN report_policy`);
  }
}
