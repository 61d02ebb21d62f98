import { Injectable } from '@nestjs/common';
import { InjectMetric, makeCounterProvider } from '@willsoto/nestjs-prometheus';
import type { CountryCode } from 'libphonenumber-js';
import { LRUCache } from 'lru-cache';
import { randomUUID } from 'node:crypto';
import type { Counter } from 'prom-client';
import { CatalogService } from '../catalog/catalog.service';
import type { TouchpointView } from '../catalog/catalog.types';
import type { Principal } from '../platform/access/roles';
import { Clock } from '../platform/clock';
import { AppConfig } from '../platform/config/app-config';
import { GroupCommit } from '../platform/database/group-commit';
import { DomainException, ErrorCode, type FieldError } from '../platform/errors/domain.exception';
import type { FollowUpInput, IncidentInput, RatingInput, RatingOrigin, RatingReceipt, SubmissionContext, TouchpointSelector } from './feedback.types';
import { DEFAULT_MISUSE_POLICY } from './misuse-filter';
import { scrubPersonalData } from './pii-scrubber';
import { PseudonymKeysService } from './pseudonym-keys.service';
import { checkAnswers, checkRatedAt } from './rating-rules';
import { RatingsRepository, type NewRating, type RatingListFilter, type StoredRating } from './ratings.repository';
import { polarityOf } from './reasons';

export const RATINGS_COUNTER = 'xla_ratings_stored_total';
export const ratingsCounterProvider = makeCounterProvider({
  name: RATINGS_COUNTER,
  help: 'Ratings stored, by origin and whether the misuse filter excluded them',
  labelNames: ['origin', 'excluded'],
});

/** A rating as stored, for the modules that act on it at once. */
export interface StoredRatingEvent {
  clientId: string;
  siteId: string;
  zoneId: string;
  scale: string;
  score: number;
  polarity: string;
  reasons: string[];
  /** Left out of every figure by the misuse filter. */
  excluded: boolean;
  ratedAt: Date;
  /** The follow-up answer, naming reasons, of a rating stored before. */
  followUp: boolean;
}

/** How long after the rating its follow-up answers are still taken. */
const FOLLOW_UP_WINDOW_MS = 30 * 60_000;
/** A rating waits this long for others to share its transaction when the writer is idle (embedded PGlite blocks the loop while it commits, so groups form only this way there). */
const WRITER_LINGER_MS = 5;
/** Touchpoints are looked up on every rating; a short cache keeps that off the database under load. */
const TOUCHPOINT_CACHE_MS = 30_000;

/** Occupant ratings: validation, misuse filtering, scrubbing and durable, group-committed storage. */
@Injectable()
export class RatingsService {
  private readonly writer: GroupCommit<NewRating, StoredRating>;
  // Promises, so that concurrent first requests for a token share one lookup.
  private readonly byToken = new LRUCache<string, Promise<TouchpointView>>({ max: 10_000, ttl: TOUCHPOINT_CACHE_MS });

  private readonly incidentHandlers: Array<(clientId: string) => Promise<void>> = [];
  private readonly storedHandlers: Array<(rating: StoredRatingEvent) => void> = [];

  constructor(
    private readonly catalog: CatalogService,
    private readonly ratings: RatingsRepository,
    private readonly pseudonyms: PseudonymKeysService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    @InjectMetric(RATINGS_COUNTER) private readonly stored: Counter<string>,
  ) {
    this.writer = new GroupCommit((batch) => this.ratings.commitBatch(batch, DEFAULT_MISUSE_POLICY), 1_000, WRITER_LINGER_MS);
  }

  /** The active touchpoint behind a QR/kiosk token; DomainException not-found otherwise. */
  touchpoint(token: string): Promise<TouchpointView> {
    const cached = this.byToken.get(token);
    if (cached) return cached;
    const lookup = this.catalog.touchpointByToken(token);
    this.byToken.set(token, lookup);
    lookup.catch(() => this.byToken.delete(token));
    return lookup;
  }

  /**
   * Validates, scrubs and stores one rating; answers only once it is committed. The same id on the
   * same touchpoint again gets the stored receipt and stores nothing. For HTTP submissions the
   * touchpoint's kind decides whether the origin is 'qr' or 'kiosk'.
   */
  async submit(selector: TouchpointSelector, input: RatingInput, ctx: SubmissionContext): Promise<RatingReceipt> {
    return (await this.store(selector, input, ctx)).receipt;
  }

  /** As submit, and tells whether this call stored the rating (false: the id was stored before). */
  async store(selector: TouchpointSelector, input: RatingInput, ctx: SubmissionContext): Promise<{ receipt: RatingReceipt; created: boolean }> {
    const tp = 'token' in selector ? await this.touchpoint(selector.token) : await this.catalog.touchpointByKey(selector.key, selector.clientId);
    const now = this.clock.now();
    const ratedAt = input.ts ?? now;
    const errors: FieldError[] = [...checkAnswers(tp, input), ...checkRatedAt(ratedAt, now, ctx.origin === 'connector' ? null : this.config.ratingMaxAgeMs)];
    if (errors.length) throw new DomainException(ErrorCode.Validation, 'The rating is not valid.', errors);

    const origin: RatingOrigin = ctx.origin === 'qr' || ctx.origin === 'kiosk' ? tp.kind : ctx.origin;
    const comment = scrubbedComment(input.comment, tp);
    const reasons = input.reasons ?? [];
    const saved = await this.writer.push({
      clientId: tp.clientId,
      siteId: tp.siteId,
      zoneId: tp.zoneId,
      touchpointId: tp.id,
      touchpointKind: tp.kind,
      submissionId: input.id ?? randomUUID(),
      origin,
      score: input.score,
      polarity: polarityOf(tp.scale, input.score),
      reasons,
      comment,
      language: input.language ?? null,
      ratedAt,
      receivedAt: now,
      sourceHash: await this.hashOf(ctx.source, now),
      answered: reasons.length > 0 || comment !== null,
    });
    if (!saved.created && saved.score !== input.score) {
      throw new DomainException(ErrorCode.Conflict, `The id "${saved.submissionId}" was already used for a rating with another score on this touchpoint.`, [
        { field: 'id', message: 'already used for a different rating; make a new id for a new rating' },
      ]);
    }
    if (saved.created) {
      this.stored.inc({ origin, excluded: String(saved.excludedReason !== null) });
      this.emitStored(tp, saved);
    }
    return { receipt: this.receipt(tp, saved), created: saved.created };
  }

  /** The answer to the one follow-up question, given after the first tap stored the rating. */
  async addFollowUp(token: string, id: string, input: FollowUpInput): Promise<RatingReceipt> {
    const tp = await this.touchpoint(token);
    const errors = checkAnswers(tp, input);
    if (errors.length) throw new DomainException(ErrorCode.Validation, 'The follow-up answer is not valid.', errors);
    const now = this.clock.now();
    const reasons = input.reasons ?? [];
    const comment = scrubbedComment(input.comment, tp);
    const updated = await this.ratings.addFollowUp(tp.clientId, tp.id, id, reasons, comment, new Date(now.getTime() - FOLLOW_UP_WINDOW_MS), now);
    if (updated) {
      if (reasons.length) this.emitStored(tp, updated, true);
      return this.receipt(tp, updated);
    }

    const existing = await this.ratings.findRating(tp.clientId, tp.id, id);
    if (!existing) throw new DomainException(ErrorCode.NotFound, `No rating with id "${id}" on this touchpoint.`);
    // A retried follow-up with the same answers gets the same receipt.
    if (existing.followUpAt && sameAnswers(existing.reasons, reasons)) return this.receipt(tp, existing);
    throw new DomainException(
      ErrorCode.Conflict,
      existing.followUpAt ? 'This rating has already been answered.' : 'This rating is too old for a follow-up answer.',
    );
  }

  /**
   * Each rating once committed (and again when its follow-up answer names reasons), for the modules
   * downstream that act on it at once (alerts): called after the commit, never awaited by the submitter.
   */
  onRatingStored(handler: (rating: StoredRatingEvent) => void): void {
    this.storedHandlers.push(handler);
  }

  private emitStored(tp: TouchpointView, saved: StoredRating, followUp = false): void {
    const event: StoredRatingEvent = {
      clientId: tp.clientId,
      siteId: tp.siteId,
      zoneId: tp.zoneId,
      scale: tp.scale,
      score: saved.score,
      polarity: saved.polarity,
      reasons: saved.reasons,
      excluded: saved.excludedReason !== null,
      ratedAt: saved.ratedAt,
      followUp,
    };
    for (const handler of this.storedHandlers) handler(event);
  }

  /** Counted (not excluded) negative ratings of a zone rated since an instant: the alerts' burst rule. */
  negativesSince(clientId: string, siteId: string, zoneId: string, since: Date): Promise<number> {
    return this.ratings.negativesSince(clientId, siteId, zoneId, since);
  }

  /** Zones with a lowest-score rating with a reason received since an instant (the alerts' recovery sweep). */
  lowestWithReasonSince(since: Date): Promise<Array<{ clientId: string; siteId: string; zoneId: string; receivedAt: Date; reasons: string[] }>> {
    return this.ratings.lowestWithReasonSince(since);
  }

  /** The polarities of a zone's last `n` counted ratings, newest first: the alerts' streak of happy ratings. */
  lastPolarities(clientId: string, siteId: string, zoneId: string, n: number): Promise<string[]> {
    return this.ratings.lastPolarities(clientId, siteId, zoneId, n);
  }

  /** Service delivery turns reports into incidents (registered by the operations module). */
  onIncidentReported(handler: (clientId: string) => Promise<void>): void {
    this.incidentHandlers.push(handler);
  }

  /**
   * "Report a problem": stored, then joined to its zone's open incident of that category (or opens
   * one) before the answer. The same id again stores nothing; a report stored but not yet joined (a
   * crash in between) is joined by operations' next sweep.
   */
  async reportIncident(token: string, input: IncidentInput, ctx: SubmissionContext): Promise<{ id: string; category: string }> {
    const tp = await this.touchpoint(token);
    const now = this.clock.now();
    const id = input.id ?? randomUUID();
    const category = await this.ratings.addIncidentReport({
      clientId: tp.clientId,
      siteId: tp.siteId,
      zoneId: tp.zoneId,
      touchpointId: tp.id,
      submissionId: id,
      category: input.category,
      comment: scrubbedComment(input.comment, tp),
      reportedAt: now,
      sourceHash: await this.hashOf(ctx.source, now),
    });
    for (const handler of this.incidentHandlers) await handler(tp.clientId);
    return { id, category };
  }

  async list(who: Principal, filter: Omit<RatingListFilter, 'clientId'>) {
    const { items, total } = await this.ratings.list({ ...filter, clientId: who.clientId });
    return { items, page: filter.page, limit: filter.limit, total };
  }

  /** The sender's pseudonym for the day of `now`; the day's key is cached, so no database round trip per rating. */
  private hashOf(source: string, now: Date): Promise<string> {
    return this.pseudonyms.pseudonymOf(source, now);
  }

  private receipt(tp: TouchpointView, saved: StoredRating): RatingReceipt {
    return {
      id: saved.submissionId,
      touchpoint: tp.key,
      score: saved.score,
      polarity: saved.polarity,
      reasons: saved.reasons,
      excluded: saved.excludedReason !== null,
      excludedReason: saved.excludedReason,
      ratedAt: saved.ratedAt.toISOString(),
    };
  }
}

/** A comment as stored: trimmed, scrubbed of personal data with the site's country, or null when empty. */
function scrubbedComment(comment: string | undefined, tp: TouchpointView): string | null {
  const text = comment?.trim();
  return text ? scrubPersonalData(text, tp.country as CountryCode) : null;
}

function sameAnswers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
