import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Scorecards as published: the figures the scoring module computed for each contract and calendar
 * month (the current and the last), stored so that dashboards and reports read them and compute
 * none. Rows of one contract-month are replaced together, stamped with the rollup version they
 * were computed from. site_id is null on the contract's own rows.
 */
export class PublishedFigures1765000000007 implements MigrationInterface {
  name = 'PublishedFigures1765000000007';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE published_scorecards (
        client_id uuid NOT NULL REFERENCES clients(id),
        contract_id uuid NOT NULL REFERENCES contracts(id),
        period text NOT NULL,
        rollup_version bigint NOT NULL,
        published_at timestamptz NOT NULL,
        PRIMARY KEY (client_id, contract_id, period)
      );
      CREATE TABLE published_scope_figures (
        client_id uuid NOT NULL,
        contract_id uuid NOT NULL,
        period text NOT NULL,
        site_id uuid,
        experience_index double precision,
        experience_numerator double precision NOT NULL,
        experience_denominator double precision NOT NULL,
        experience_sample integer NOT NULL,
        xla_attainment double precision,
        xla_met_weight double precision NOT NULL,
        xla_counted_weight double precision NOT NULL,
        sla_attainment double precision,
        sla_met_weight double precision NOT NULL,
        sla_counted_weight double precision NOT NULL,
        watermelon boolean NOT NULL,
        -- A watermelon's breached XLA objectives, as the scorecard names them.
        breached_xla text[] NOT NULL DEFAULT '{}',
        rank integer,
        FOREIGN KEY (client_id, contract_id, period) REFERENCES published_scorecards ON DELETE CASCADE
      );
      CREATE UNIQUE INDEX ux_published_scope_figures ON published_scope_figures (client_id, contract_id, period, COALESCE(site_id, '00000000-0000-0000-0000-000000000000'));
      CREATE TABLE published_objective_figures (
        client_id uuid NOT NULL,
        contract_id uuid NOT NULL,
        period text NOT NULL,
        site_id uuid,
        objective_key text NOT NULL,
        kind text NOT NULL,
        indicator text NOT NULL,
        value double precision,
        numerator double precision NOT NULL,
        denominator double precision NOT NULL,
        sample integer NOT NULL,
        target double precision NOT NULL,
        status text NOT NULL,
        budget_remaining double precision,
        breaches_xla boolean NOT NULL DEFAULT false,
        FOREIGN KEY (client_id, contract_id, period) REFERENCES published_scorecards ON DELETE CASCADE
      );
      CREATE UNIQUE INDEX ux_published_objective_figures ON published_objective_figures (client_id, contract_id, period, COALESCE(site_id, '00000000-0000-0000-0000-000000000000'), objective_key);
      CREATE TABLE published_burn_rates (
        client_id uuid NOT NULL,
        contract_id uuid NOT NULL,
        period text NOT NULL,
        objective_key text NOT NULL,
        lookback_hours integer NOT NULL,
        burn_rate double precision,
        valid integer NOT NULL,
        enough_traffic boolean NOT NULL,
        PRIMARY KEY (client_id, contract_id, period, objective_key, lookback_hours),
        FOREIGN KEY (client_id, contract_id, period) REFERENCES published_scorecards ON DELETE CASCADE
      );
      CREATE TABLE published_reason_shares (
        client_id uuid NOT NULL,
        contract_id uuid NOT NULL,
        period text NOT NULL,
        reason text NOT NULL,
        negatives integer NOT NULL,
        negatives_total integer NOT NULL,
        share double precision NOT NULL,
        PRIMARY KEY (client_id, contract_id, period, reason),
        FOREIGN KEY (client_id, contract_id, period) REFERENCES published_scorecards ON DELETE CASCADE
      );
      CREATE TABLE published_daily_figures (
        client_id uuid NOT NULL,
        contract_id uuid NOT NULL,
        period text NOT NULL,
        local_date date NOT NULL,
        experience_index double precision,
        experience_numerator double precision NOT NULL,
        experience_denominator double precision NOT NULL,
        experience_sample integer NOT NULL,
        xla_attainment double precision,
        sla_attainment double precision,
        PRIMARY KEY (client_id, contract_id, period, local_date),
        FOREIGN KEY (client_id, contract_id, period) REFERENCES published_scorecards ON DELETE CASCADE
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE published_daily_figures, published_reason_shares, published_burn_rates, published_objective_figures, published_scope_figures, published_scorecards`);
  }
}
