import { createHmac } from 'node:crypto';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Subscription } from 'rxjs';
import { DataSource, type EntityManager } from 'typeorm';
import { ContractsSyncService } from '../catalog/contracts-sync.service';
import { ADVISORY_LOCKS } from '../platform/database/advisory-locks';
import { appSecret } from '../platform/database/app-secrets';

/** The database role of a client's Grafana data source: the reporting views show it that client's rows alone. */
export const clientRole = (clientId: string): string => `xla_client_${clientId.replace(/-/g, '').toLowerCase()}`;

const SECRET_NAME = 'reporting-roles';

/**
 * One login role per client (xla_client_<id>), a member of xla_clients (SELECT on the reporting
 * schema), read-only, made or updated after every contract sync. Its password is derived from a
 * secret the database keeps (app_secrets), so the publisher can give it to Grafana without storing
 * it anywhere else. Roles need CREATEROLE: without it, client organisations are not published.
 */
@Injectable()
export class ReportingRoles implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ReportingRoles.name);
  private synced?: Subscription;
  private secret?: string;
  /** The last failure to make roles, for the publisher's status. */
  lastError: string | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly contracts: ContractsSyncService,
  ) {}

  onModuleInit(): void {
    // The boot sync runs at bootstrap and emits too: every client gets its role at start.
    this.synced = this.contracts.synced.subscribe(() => void this.ensureAll().catch(() => undefined));
  }

  onApplicationShutdown(): void {
    this.synced?.unsubscribe();
  }

  /** Makes or updates every client's role; the ids of the clients that have one. */
  async ensureAll(): Promise<string[]> {
    try {
      // Read first: the transaction below holds the embedded database's one session.
      this.secret ??= await this.loadSecret();
      // One at a time, here and on other instances: two grants on the database at once fail ("tuple concurrently updated").
      const ids = await this.dataSource.transaction(async (tx) => {
        await tx.query(`SELECT pg_advisory_xact_lock($1)`, [ADVISORY_LOCKS.reportingRoles]);
        const clients = await tx.query<Array<{ id: string }>>(`SELECT id FROM clients ORDER BY id`);
        for (const { id } of clients) await this.ensure(tx, id);
        return clients.map((c) => c.id);
      });
      this.lastError = null;
      return ids;
    } catch (error) {
      this.lastError = (error as Error).message;
      this.logger.warn(`Client reporting roles could not be made: ${this.lastError}`);
      throw error;
    }
  }

  async password(role: string): Promise<string> {
    this.secret ??= await this.loadSecret();
    return createHmac('sha256', this.secret).update(role).digest('base64url');
  }

  private async ensure(tx: EntityManager, clientId: string): Promise<void> {
    const role = clientRole(clientId);
    // Role names and passwords are [0-9a-z_] and base64url: safe as literals in the utility statements, which take no parameters.
    const password = await this.password(role);
    await tx.query(`DO $$ BEGIN
      CREATE ROLE ${role} LOGIN PASSWORD '${password}' IN ROLE xla_clients;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      ALTER ROLE ${role} LOGIN PASSWORD '${password}';
    END $$`);
    await tx.query(`GRANT xla_clients TO ${role}`);
    // Even a function with side effects runs read-only for it.
    await tx.query(`ALTER ROLE ${role} SET default_transaction_read_only = on`);
    await tx.query(`DO $$ BEGIN EXECUTE format('GRANT CONNECT ON DATABASE %I TO ${role}', current_database()); END $$`);
  }

  private loadSecret(): Promise<string> {
    return appSecret(this.dataSource, SECRET_NAME);
  }
}
