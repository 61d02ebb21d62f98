import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AlertingPolicy, Language, ServiceHours } from './catalog.types';
import { contractLanguage } from './contract-language';

/**
 * A contract as the service's own jobs and documents address it (monthly reports, their e-mails,
 * contract-level alerts): its names, its language, and its home site's clock.
 */
export interface ContractHome {
  id: string;
  clientId: string;
  key: string;
  name: string;
  provider: string;
  /** The client's name. */
  client: string;
  /** The one rule of contractLanguage: the file's, else its active sites' most common. */
  language: Language;
  /** The home site — the contract's first active site by key — gives the time zone (UTC without one), service hours and holidays. */
  timeZone: string;
  serviceHours: ServiceHours | null;
  holidays: string[];
  /** The contract file's alerting policy (its defaults are the alerts module's). */
  alerting: Partial<AlertingPolicy>;
}

type Row = Omit<ContractHome, 'language'> & { stated: Language | null; sites: Array<{ key: string; language: Language }>; timeZone: string | null; holidays: string[] | null };

/**
 * The one read of contracts for the service's jobs (no caller's client scope: callers are the
 * system's own leader jobs, or read a contract the caller's scope already found). Retired sites
 * count for neither the language nor the home site.
 */
@Injectable()
export class ContractDirectory {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Every contract, by key. */
  all(): Promise<ContractHome[]> {
    return this.read('', []);
  }

  async byId(id: string): Promise<ContractHome | undefined> {
    return (await this.read('WHERE k.id = $1', [id]))[0];
  }

  async byKey(key: string): Promise<ContractHome | undefined> {
    return (await this.read('WHERE k.key = $1', [key]))[0];
  }

  private async read(where: string, params: unknown[]): Promise<ContractHome[]> {
    const rows = await this.dataSource.query<Row[]>(
      `SELECT k.id, k.client_id AS "clientId", k.key, k.name, k.provider, c.name AS client, k.language AS stated, k.alerting,
              COALESCE(a.sites, '[]') AS sites, h.time_zone AS "timeZone", h.service_hours AS "serviceHours", h.holidays
       FROM contracts k JOIN clients c ON c.id = k.client_id
       LEFT JOIN LATERAL (SELECT jsonb_agg(jsonb_build_object('key', s.key, 'language', s.language)) AS sites
                          FROM sites s WHERE s.client_id = k.client_id AND s.contract_id = k.id AND s.retired_at IS NULL) a ON true
       LEFT JOIN LATERAL (SELECT s.time_zone, s.service_hours, s.holidays FROM sites s
                          WHERE s.client_id = k.client_id AND s.contract_id = k.id AND s.retired_at IS NULL ORDER BY s.key LIMIT 1) h ON true
       ${where} ORDER BY k.key`,
      params,
    );
    return rows.map(({ stated, sites, timeZone, holidays, ...row }) => ({ ...row, language: contractLanguage(stated, sites), timeZone: timeZone ?? 'UTC', holidays: holidays ?? [] }));
  }
}
