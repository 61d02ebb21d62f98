import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface StoredReport {
  id: string;
  clientId: string;
  contract: string;
  period: string;
  status: 'ready' | 'failed';
  language: string | null;
  generatedAt: Date;
  attempts: number;
  error: string | null;
  /** When it was e-mailed to the contract's report recipients, to whom, and why not yet. */
  emailedAt: Date | null;
  emailedTo: string[] | null;
  emailError: string | null;
}

/** A ready report not yet e-mailed to its contract's recipients. */
export interface UnsentReport {
  id: string;
  clientId: string;
  contract: string;
  contractName: string;
  period: string;
  language: string;
  recipients: string[];
  emailAttempts: number;
}

export type ReportFormat = 'html' | 'csv' | 'pdf';

/** Stored reports, one per contract and period. Reads the catalog's contracts (read-only) for their keys and names. */
@Injectable()
export class ReportsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async find(contractId: string, period: string): Promise<{ status: string; attempts: number } | undefined> {
    const [row] = await this.dataSource.query<Array<{ status: string; attempts: number }>>(`SELECT status, attempts FROM reports WHERE contract_id = $1 AND period = $2`, [contractId, period]);
    return row;
  }

  /** Stores a generated report, or a failed attempt with its error (a ready one is never replaced by a failure). */
  async store(contract: { id: string; clientId: string }, period: string, at: Date, result: { html: string; csv: string; pdf: Buffer; language: string } | { error: string }): Promise<void> {
    if ('error' in result) {
      await this.dataSource.query(
        `INSERT INTO reports AS r (client_id, contract_id, period, status, generated_at, error) VALUES ($1, $2, $3, 'failed', $4, $5)
         ON CONFLICT (client_id, contract_id, period) DO UPDATE SET attempts = r.attempts + 1, generated_at = excluded.generated_at, error = excluded.error WHERE r.status = 'failed'`,
        [contract.clientId, contract.id, period, at, result.error],
      );
      return;
    }
    await this.dataSource.query(
      `INSERT INTO reports AS r (client_id, contract_id, period, status, language, generated_at, html, csv, pdf) VALUES ($1, $2, $3, 'ready', $4, $5, $6, $7, $8)
       ON CONFLICT (client_id, contract_id, period) DO UPDATE SET status = 'ready', language = excluded.language, generated_at = excluded.generated_at, attempts = r.attempts + 1,
         error = NULL, html = excluded.html, csv = excluded.csv, pdf = excluded.pdf`,
      [contract.clientId, contract.id, period, result.language, at, result.html, result.csv, result.pdf],
    );
  }

  /** A contract's reports, newest period first; undefined when the caller's client has no such contract. */
  async list(clientId: string | null, contractKey: string): Promise<StoredReport[] | undefined> {
    const [contract] = await this.dataSource.query<Array<{ id: string }>>(`SELECT id FROM contracts WHERE key = $1 AND ($2::uuid IS NULL OR client_id = $2)`, [contractKey, clientId]);
    if (!contract) return undefined;
    return this.dataSource.query(
      `SELECT r.id, r.client_id AS "clientId", $2::text AS contract, r.period, r.status, r.language, r.generated_at AS "generatedAt", r.attempts, r.error,
              r.emailed_at AS "emailedAt", r.emailed_to AS "emailedTo", r.email_error AS "emailError"
       FROM reports r WHERE r.contract_id = $1 ORDER BY r.period DESC`,
      [contract.id, contractKey],
    );
  }

  /** One stored report's content in a format, if the caller's client has it and it is ready. */
  async content(clientId: string | null, id: string, format: ReportFormat): Promise<{ body: string | Buffer; contract: string; period: string } | undefined> {
    const [row] = await this.dataSource.query<Array<{ body: string | Buffer; contract: string; period: string }>>(
      `SELECT r.${format} AS body, k.key AS contract, r.period FROM reports r JOIN contracts k ON k.id = r.contract_id
       WHERE r.id = $1 AND ($2::uuid IS NULL OR r.client_id = $2) AND r.status = 'ready'`,
      [id, clientId],
    );
    return row;
  }

  /** Ready reports of contracts with report recipients, not yet e-mailed, tried fewer than `maxAttempts` times. */
  unsent(maxAttempts: number): Promise<UnsentReport[]> {
    return this.dataSource.query(
      `SELECT r.id, r.client_id AS "clientId", k.key AS contract, k.name AS "contractName", r.period, r.language,
              ARRAY(SELECT jsonb_array_elements_text(k.report_policy->'recipients')) AS recipients, r.email_attempts AS "emailAttempts"
       FROM reports r JOIN contracts k ON k.id = r.contract_id
       WHERE r.status = 'ready' AND r.emailed_at IS NULL AND r.email_attempts < $1 AND jsonb_array_length(COALESCE(k.report_policy->'recipients', '[]')) > 0
       ORDER BY r.generated_at`,
      [maxAttempts],
    );
  }

  /** A stored report's PDF and CSV, for its e-mail. */
  async attachments(clientId: string, id: string): Promise<{ pdf: Buffer; csv: string }> {
    const [row] = await this.dataSource.query<Array<{ pdf: Buffer; csv: string }>>(`SELECT pdf, csv FROM reports WHERE client_id = $1 AND id = $2`, [clientId, id]);
    return row;
  }

  /** Records an e-mail of a report: sent to these recipients, or failed with its error (tried again later). */
  async emailed(report: { clientId: string; id: string }, outcome: { to: string[]; at: Date } | { error: string }): Promise<void> {
    if ('error' in outcome) {
      await this.dataSource.query(`WITH u AS (UPDATE reports SET email_attempts = email_attempts + 1, email_error = $3 WHERE client_id = $1 AND id = $2 RETURNING id) SELECT id FROM u`, [report.clientId, report.id, outcome.error]);
      return;
    }
    await this.dataSource.query(
      `WITH u AS (UPDATE reports SET email_attempts = email_attempts + 1, email_error = NULL, emailed_at = $3, emailed_to = $4 WHERE client_id = $1 AND id = $2 RETURNING id) SELECT id FROM u`,
      [report.clientId, report.id, outcome.at, outcome.to],
    );
  }
}
