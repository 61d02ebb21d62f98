import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ContractDaily, ContractScorecard } from './scorecard.service';

/** A contract as the publisher walks them. */
export interface PublishedContract {
  id: string;
  clientId: string;
  key: string;
}

/** When a contract-month was last published, and from which rollup version (text: a bigint). */
export interface PublishedStamp {
  contractId: string;
  period: string;
  rollupVersion: string;
  publishedAt: Date;
}

/**
 * The published scorecards (published_* tables): rows of one contract-month replaced together in
 * one transaction, site keys resolved to ids in SQL. Raw SQL: jsonb_to_recordset takes a whole
 * contract's rows in one statement per table.
 */
@Injectable()
export class PublishedFiguresRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  contracts(): Promise<PublishedContract[]> {
    return this.dataSource.query(
      `SELECT c.id, c.client_id AS "clientId", c.key FROM contracts c WHERE EXISTS (SELECT 1 FROM sites s WHERE s.contract_id = c.id) ORDER BY c.key`,
    );
  }

  async stamps(): Promise<PublishedStamp[]> {
    const rows = await this.dataSource.query<Array<Omit<PublishedStamp, 'publishedAt'> & { publishedAt: string | Date }>>(
      `SELECT contract_id AS "contractId", period, rollup_version::text AS "rollupVersion", published_at AS "publishedAt" FROM published_scorecards`,
    );
    return rows.map((r) => ({ ...r, publishedAt: new Date(r.publishedAt) }));
  }

  /** Replaces a contract-month's published figures with these. */
  async replace(contract: PublishedContract, period: string, rollupVersion: string, at: Date, card: ContractScorecard, daily: ContractDaily): Promise<void> {
    const key = [contract.clientId, contract.id, period];
    const ranks = new Map(card.benchmark.sites.map((b) => [b.site, b.rank]));
    const melons = new Map(card.watermelons.map((w) => [w.site, w.breachedXla.map((o) => o.key)]));
    const scopes = [
      { site: null, watermelon: false, rank: null, experienceIndex: card.experienceIndex, attainment: card.attainment },
      ...card.sites.map((s) => ({ site: s.site, watermelon: s.watermelon, rank: ranks.get(s.site) ?? null, experienceIndex: s.experienceIndex, attainment: s.attainment })),
    ].map((s) => ({
      site: s.site,
      experience_index: s.experienceIndex.value,
      experience_numerator: s.experienceIndex.numerator,
      experience_denominator: s.experienceIndex.denominator,
      experience_sample: s.experienceIndex.sample,
      xla_attainment: s.attainment.xla.value,
      xla_met_weight: s.attainment.xla.metWeight,
      xla_counted_weight: s.attainment.xla.countedWeight,
      sla_attainment: s.attainment.sla.value,
      sla_met_weight: s.attainment.sla.metWeight,
      sla_counted_weight: s.attainment.sla.countedWeight,
      watermelon: s.watermelon,
      breached_xla: s.site ? (melons.get(s.site) ?? []) : [],
      rank: s.rank,
    }));
    const breached = new Map(card.watermelons.map((w) => [w.site, new Set(w.breachedXla.map((o) => o.key))]));
    const objectives = [
      ...card.objectives.map((o) => ({ site: null as string | null, ...o, budget_remaining: o.budget?.remaining ?? null, breaches_xla: false })),
      ...card.sites.flatMap((s) => s.objectives.map((o) => ({ site: s.site, ...o, budget_remaining: null, breaches_xla: breached.get(s.site)?.has(o.key) ?? false }))),
    ].map((o) => ({
      site: o.site,
      objective_key: o.key,
      kind: o.kind,
      indicator: o.indicator,
      value: o.value,
      numerator: o.numerator,
      denominator: o.denominator,
      // A minute-based sample (comfort: occupied minutes) can be fractional; the column counts whole ones. Value, numerator and denominator stay exact.
      sample: Math.round(o.sample),
      target: 'target' in o ? o.target : (card.objectives.find((c) => c.key === o.key)?.target ?? null),
      status: o.status,
      budget_remaining: o.budget_remaining,
      breaches_xla: o.breaches_xla,
    }));
    const burns = card.objectives.flatMap((o) =>
      o.burnRates.map((b) => ({ objective_key: o.key, lookback_hours: b.hours, burn_rate: b.burn, valid: Math.round(b.valid), enough_traffic: b.enoughTraffic })),
    );
    const reasons = card.reasons.map((r) => ({ reason: r.reason, negatives: r.negatives, negatives_total: r.of, share: r.share }));
    const days = daily.days.map((d) => ({
      local_date: d.date,
      experience_index: d.experienceIndex.value,
      experience_numerator: d.experienceIndex.numerator,
      experience_denominator: d.experienceIndex.denominator,
      experience_sample: d.experienceIndex.sample,
      xla_attainment: d.attainment.xla.value,
      sla_attainment: d.attainment.sla.value,
    }));
    await this.dataSource.transaction(async (tx) => {
      await tx.query(`DELETE FROM published_scorecards WHERE client_id = $1 AND contract_id = $2 AND period = $3`, key);
      await tx.query(`INSERT INTO published_scorecards (client_id, contract_id, period, rollup_version, published_at) VALUES ($1, $2, $3, $4, $5)`, [...key, rollupVersion, at]);
      const siteOf = `LEFT JOIN sites s ON s.client_id = $1 AND s.contract_id = $2 AND s.key = x.site`;
      await tx.query(
        `INSERT INTO published_scope_figures (client_id, contract_id, period, site_id, experience_index, experience_numerator, experience_denominator, experience_sample,
           xla_attainment, xla_met_weight, xla_counted_weight, sla_attainment, sla_met_weight, sla_counted_weight, watermelon, breached_xla, rank)
         SELECT $1, $2, $3, s.id, x.experience_index, x.experience_numerator, x.experience_denominator, x.experience_sample,
           x.xla_attainment, x.xla_met_weight, x.xla_counted_weight, x.sla_attainment, x.sla_met_weight, x.sla_counted_weight, x.watermelon,
           ARRAY(SELECT jsonb_array_elements_text(x.breached_xla)), x.rank
         FROM jsonb_to_recordset($4::jsonb) AS x(site text, experience_index float8, experience_numerator float8, experience_denominator float8, experience_sample int,
           xla_attainment float8, xla_met_weight float8, xla_counted_weight float8, sla_attainment float8, sla_met_weight float8, sla_counted_weight float8, watermelon boolean,
           breached_xla jsonb, rank int)
         ${siteOf}`,
        [...key, JSON.stringify(scopes)],
      );
      await tx.query(
        `INSERT INTO published_objective_figures (client_id, contract_id, period, site_id, objective_key, kind, indicator, value, numerator, denominator, sample, target, status, budget_remaining, breaches_xla)
         SELECT $1, $2, $3, s.id, x.objective_key, x.kind, x.indicator, x.value, x.numerator, x.denominator, x.sample, x.target, x.status, x.budget_remaining, x.breaches_xla
         FROM jsonb_to_recordset($4::jsonb) AS x(site text, objective_key text, kind text, indicator text, value float8, numerator float8, denominator float8, sample int,
           target float8, status text, budget_remaining float8, breaches_xla boolean)
         ${siteOf}`,
        [...key, JSON.stringify(objectives)],
      );
      await tx.query(
        `INSERT INTO published_burn_rates (client_id, contract_id, period, objective_key, lookback_hours, burn_rate, valid, enough_traffic)
         SELECT $1, $2, $3, x.objective_key, x.lookback_hours, x.burn_rate, x.valid, x.enough_traffic
         FROM jsonb_to_recordset($4::jsonb) AS x(objective_key text, lookback_hours int, burn_rate float8, valid int, enough_traffic boolean)`,
        [...key, JSON.stringify(burns)],
      );
      await tx.query(
        `INSERT INTO published_reason_shares (client_id, contract_id, period, reason, negatives, negatives_total, share)
         SELECT $1, $2, $3, x.reason, x.negatives, x.negatives_total, x.share FROM jsonb_to_recordset($4::jsonb) AS x(reason text, negatives int, negatives_total int, share float8)`,
        [...key, JSON.stringify(reasons)],
      );
      await tx.query(
        `INSERT INTO published_daily_figures (client_id, contract_id, period, local_date, experience_index, experience_numerator, experience_denominator, experience_sample, xla_attainment, sla_attainment)
         SELECT $1, $2, $3, x.local_date, x.experience_index, x.experience_numerator, x.experience_denominator, x.experience_sample, x.xla_attainment, x.sla_attainment
         FROM jsonb_to_recordset($4::jsonb) AS x(local_date date, experience_index float8, experience_numerator float8, experience_denominator float8, experience_sample int,
           xla_attainment float8, sla_attainment float8)`,
        [...key, JSON.stringify(days)],
      );
    });
  }
}
