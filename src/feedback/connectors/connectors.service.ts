import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Principal } from '../../platform/access/roles';
import { Clock } from '../../platform/clock';
import { DomainException, ErrorCode } from '../../platform/errors/domain.exception';
import { RatingsService } from '../ratings.service';
import { ConnectorIo } from './connector-io';
import { mapRecord } from './connector-mapping';
import { readPages, SourceError, type ConnectorCursor, type SourcePage } from './connector-source';
import { withoutUrlQueries } from './redact-urls';
import { ConnectorsRepository, type ConnectorRow, type ConnectorStatus, type Rejection } from './connectors.repository';

/** How many rejected records a connector's status keeps, newest first. */
export const REJECTIONS_KEPT = 50;

/** Runs pull connectors: reads the source page by page, submits each record as a rating, records what was rejected and why. */
@Injectable()
export class ConnectorsService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ConnectorsService.name);
  /** Runs in this process; the advisory lock covers the other instances. */
  private readonly running = new Map<string, Promise<unknown>>();
  private readonly stopping = new AbortController();

  constructor(
    private readonly connectors: ConnectorsRepository,
    private readonly ratings: RatingsService,
    private readonly clock: Clock,
    private readonly io: ConnectorIo,
  ) {}

  async list(who: Principal): Promise<{ items: ConnectorStatus[] }> {
    return { items: await this.connectors.listStatus(who.clientId) };
  }

  /** Runs one connector now and answers with its status; 409 when it is already running. */
  async runNow(key: string, who: Principal): Promise<ConnectorStatus> {
    const connector = await this.connectors.findByKey(key, who.clientId);
    if (!connector) throw DomainException.notFound('connector', key);
    if (!(await this.run(connector))) throw new DomainException(ErrorCode.Conflict, `Connector "${key}" is running already.`);
    const [status] = await this.connectors.listStatus(who.clientId, key);
    return status;
  }

  /** The scheduler's entry: reads the definition afresh, as the contract may have changed since the job was made. */
  async runScheduled(key: string): Promise<void> {
    const connector = await this.connectors.findByKey(key, null);
    if (connector?.enabled) await this.run(connector);
  }

  /** Returns false when the connector is running already, here or on another instance. */
  async run(connector: ConnectorRow): Promise<boolean> {
    if (this.running.has(connector.id) || this.stopping.signal.aborted) return false;
    const run = this.connectors.exclusive(connector.id, () => this.execute(connector));
    this.running.set(connector.id, run);
    try {
      return (await run) !== undefined;
    } finally {
      this.running.delete(connector.id);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort(new Error('the service is shutting down'));
    await Promise.allSettled(this.running.values());
  }

  private async execute(connector: ConnectorRow): Promise<void> {
    const state = await this.connectors.begin(connector, this.clock.now());
    let cursor: ConnectorCursor = state.cursor;
    let rejections = state.rejections;
    let imported = 0;
    let rejected = 0;
    try {
      const headers = this.authHeaders(connector);
      const pages = readPages(connector.type, connector.settings, cursor, { fetch: this.io.fetch, sleep: (ms) => this.io.sleep(ms), headers, signal: this.stopping.signal });
      for await (const page of pages) {
        const result = await this.importPage(connector, page);
        const pendingSince = latest(cursor.pendingSince, result.newest);
        cursor = { ...cursor, next: page.next, pendingSince };
        rejections = mergeRejections(result.rejections, rejections);
        await this.connectors.commitPage(connector.id, cursor, result.imported, result.rejections.length, rejections);
        imported += result.imported;
        rejected += result.rejections.length;
      }
      cursor = { next: null, since: latest(cursor.since, cursor.pendingSince), pendingSince: null };
      await this.connectors.finish(connector.id, this.clock.now(), { status: 'succeeded', cursor });
      this.logger.log({ connector: connector.key, imported, rejected }, `Connector ${connector.key} ran`);
    } catch (error) {
      const expected = error instanceof SourceError || error instanceof ConnectorConfigError;
      const message = withoutUrlQueries(expected ? error.message : `stopped: ${describe(error)}`);
      await this.connectors.finish(connector.id, this.clock.now(), { status: 'failed', error: message });
      // A source failure's own text (and its URLs' query strings) stays out of the log; a stack helps only with the unexpected.
      this.logger.warn({ connector: connector.key, imported, rejected, ...(expected ? {} : { err: error }) }, `Connector ${connector.key} failed: ${message}`);
    }
  }

  private async importPage(connector: ConnectorRow, page: SourcePage): Promise<{ imported: number; rejections: Rejection[]; newest: string | null }> {
    const at = this.clock.now().toISOString();
    const rejections: Rejection[] = [];
    let imported = 0;
    let newest: string | null = null;
    this.stopping.signal.throwIfAborted();
    const accepted: Array<{ id: string; touchpoint: string; ts: Date; stored: Promise<{ created: boolean }> }> = [];
    for (const record of page.records) {
      const mapped = mapRecord(record, connector.settings);
      if (!mapped.ok) {
        rejections.push({ id: mapped.id, reason: mapped.reason, at });
        continue;
      }
      // Submitted together, a page shares the rating writer's transactions instead of waiting for one commit per record.
      const stored = this.ratings.store({ key: mapped.touchpoint, clientId: connector.clientId }, mapped.input, { origin: 'connector', source: `connector:${connector.key}` });
      accepted.push({ id: mapped.id, touchpoint: mapped.touchpoint, ts: mapped.input.ts, stored });
    }
    const outcomes = await Promise.allSettled(accepted.map((a) => a.stored));
    outcomes.forEach((outcome, i) => {
      const record = accepted[i];
      if (outcome.status === 'fulfilled') {
        // Records seen in an earlier run are accepted again but not counted as imported.
        if (outcome.value.created) imported++;
        // Only accepted records move the cursor: a bad time (say, in the future) must not skip what comes after it.
        newest = latest(newest, record.ts.toISOString());
      } else if (outcome.reason instanceof DomainException) {
        rejections.push({ id: record.id, reason: rejectionReason(outcome.reason, record.touchpoint), at });
      }
    });
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected' && !(o.reason instanceof DomainException));
    if (failed) throw failed.reason;
    return { imported, rejections, newest };
  }

  private authHeaders(connector: ConnectorRow): Record<string, string> {
    const auth = connector.settings.auth;
    if (!auth) return {};
    const secret = this.io.secret(auth.env);
    if (!secret) throw new ConnectorConfigError(`the environment variable ${auth.env} (the ${auth.header} header) is not set`);
    return { [auth.header]: `${auth.prefix}${secret}` };
  }
}

class ConnectorConfigError extends Error {}

/** Why the rating service refused a record, as one line for the status page. */
export function rejectionReason(error: DomainException, touchpoint: string): string {
  if (error.code === ErrorCode.NotFound) return `touchpoint: "${touchpoint}" is not an active touchpoint of this client`;
  if (error.errors.length > 0) return error.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
  return error.message;
}

/** Newest first, one entry per source id, at most REJECTIONS_KEPT. */
export function mergeRejections(fresh: Rejection[], kept: Rejection[]): Rejection[] {
  const seen = new Set<string>();
  const merged: Rejection[] = [];
  for (const r of [...[...fresh].reverse(), ...kept]) {
    if (r.id !== null && seen.has(r.id)) continue;
    if (r.id !== null) seen.add(r.id);
    merged.push(r);
    if (merged.length === REJECTIONS_KEPT) break;
  }
  return merged;
}

const latest = (a: string | null | undefined, b: string | null | undefined): string | null => {
  if (!a) return b ?? null;
  if (!b) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
};

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
