import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface ShareLinkRow {
  id: string;
  clientId: string;
  contract: string;
  site: string | null;
  label: string | null;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

const COLUMNS = `l.id, l.client_id AS "clientId", k.key AS contract, s.key AS site, l.label, l.created_at AS "createdAt", l.expires_at AS "expiresAt", l.revoked_at AS "revokedAt"`;
const FROM = `share_links l JOIN contracts k ON k.id = l.contract_id LEFT JOIN sites s ON s.id = l.site_id`;

/** Share links of the live scorecard page. Reads the catalog's contracts and sites (read-only) for their keys. */
@Injectable()
export class ShareLinksRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The contract (and site of it) of the caller's client; undefined when either is not found. */
  async scope(clientId: string | null, contractKey: string, siteKey?: string): Promise<{ clientId: string; contractId: string; siteId: string | null } | undefined> {
    const [row] = await this.dataSource.query<Array<{ clientId: string; contractId: string; siteId: string | null; siteFound: boolean }>>(
      `SELECT k.client_id AS "clientId", k.id AS "contractId", s.id AS "siteId"
       FROM contracts k LEFT JOIN sites s ON s.contract_id = k.id AND s.key = $3
       WHERE k.key = $1 AND ($2::uuid IS NULL OR k.client_id = $2)`,
      [contractKey, clientId, siteKey ?? null],
    );
    if (!row || (siteKey !== undefined && row.siteId === null)) return undefined;
    return row;
  }

  async create(scope: { clientId: string; contractId: string; siteId: string | null }, link: { label: string | null; createdBy: string | null; createdAt: Date; expiresAt: Date }): Promise<ShareLinkRow> {
    const [row] = await this.dataSource.query<ShareLinkRow[]>(
      `WITH l AS (
         INSERT INTO share_links (client_id, contract_id, site_id, label, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *)
       SELECT ${COLUMNS} FROM l JOIN contracts k ON k.id = l.contract_id LEFT JOIN sites s ON s.id = l.site_id`,
      [scope.clientId, scope.contractId, scope.siteId, link.label, link.createdBy, link.createdAt, link.expiresAt],
    );
    return row;
  }

  /** A contract's links, newest first, revoked and expired ones included (they say so). */
  list(clientId: string, contractId: string): Promise<ShareLinkRow[]> {
    return this.dataSource.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE l.client_id = $1 AND l.contract_id = $2 ORDER BY l.created_at DESC, l.id`, [clientId, contractId]);
  }

  /** Revokes a link of the contract; false when it has no such link. Revoking twice keeps the first time. */
  async revoke(clientId: string, contractId: string, id: string, at: Date): Promise<boolean> {
    const rows = await this.dataSource.query<Array<{ id: string }>>(
      `WITH r AS (UPDATE share_links SET revoked_at = COALESCE(revoked_at, $4) WHERE client_id = $1 AND contract_id = $2 AND id = $3 RETURNING id) SELECT id FROM r`,
      [clientId, contractId, id, at],
    );
    return rows.length > 0;
  }

  /** A link that stands at `now`: not revoked, not expired; undefined otherwise. */
  async standing(id: string, now: Date): Promise<ShareLinkRow | undefined> {
    const [row] = await this.dataSource.query<ShareLinkRow[]>(`SELECT ${COLUMNS} FROM ${FROM} WHERE l.id = $1 AND l.revoked_at IS NULL AND l.expires_at > $2`, [id, now]);
    return row;
  }
}
