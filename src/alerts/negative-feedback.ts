import { Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { RatingsService, type StoredRatingEvent } from '../feedback/ratings.service';
import { IncidentsService } from '../operations/incidents.service';
import { Clock } from '../platform/clock';
import { lowestScore, settingsAt } from './alert-rules';
import type { AlertPlaceRow } from './alerts.repository';
import { AlertsService } from './alerts.service';

export const NEGATIVE_FEEDBACK = 'negative_feedback' as const;
/** A rating's own event has had this long to raise its alert before the recovery sweep looks at it. */
const RECOVER_AFTER_MS = 30_000;
/** A zone's place is looked up once a minute at most: ratings of a busy zone come many a second. */
const PLACE_CACHE_MS = 60_000;

/**
 * What a zone's negatives taken together call for: an alert (new or a repeat) when one of them has
 * the lowest score and a reason, or `burstCount` came in the burst window (`recent`); a burst calls
 * for an incident too.
 */
export const alerts = (lowestWithReason: boolean, recent: number, burstCount: number): { alert: boolean; burst: boolean } => {
  const burst = recent >= burstCount;
  return { alert: lowestWithReason || burst, burst };
};

/**
 * The negative-feedback rule, driven by ratings as they are committed (no polling): a rating with
 * the lowest score and a reason alerts at once, and `burstCount` negatives in `burstMinutes` in one
 * zone alert and open an incident for the zone (work for its team, through operations). Ratings come
 * in bursts of hundreds a second: each turn of the event loop takes what arrived, per zone, in one
 * statement, so a thousand negatives in a zone make one alert with count 1,000 and no storm.
 * Excluded ratings (the misuse filter's) raise nothing.
 */
@Injectable()
export class NegativeFeedback implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(NegativeFeedback.name);
  private pending = new Map<string, StoredRatingEvent[]>();
  private flushing: Promise<void> = Promise.resolve();
  private scheduled = false;
  private readonly places = new LRUCache<string, Promise<AlertPlaceRow | undefined>>({ max: 10_000, ttl: PLACE_CACHE_MS });
  /** Alerts whose burst already opened an incident in this process (opening again would only join it). */
  private readonly incidentRaised = new LRUCache<string, true>({ max: 10_000 });

  constructor(
    private readonly ratings: RatingsService,
    private readonly alertsService: AlertsService,
    private readonly incidents: IncidentsService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.ratings.onRatingStored((rating) => this.take(rating));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.drain();
  }

  /** Resolves once every rating taken so far has been acted on (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.scheduled || this.pending.size) {
      await new Promise((r) => setImmediate(r));
      await this.flushing;
    }
    await this.flushing;
  }

  /**
   * The recovery sweep (the rules job, every minute): a rating that alerts by itself (lowest score
   * and a reason) received in the last `withinMs` whose zone has no alert seen since — its event was
   * lost to a crash between the rating's commit and this rule — raises the alert now. How many.
   */
  async recover(withinMs: number): Promise<number> {
    const now = this.clock.now();
    let raised = 0;
    for (const z of await this.ratings.lowestWithReasonSince(new Date(now.getTime() - withinMs))) {
      const scope = `zone:${z.zoneId}`;
      // Events still on their way here are not lost: only receipts older than this are checked.
      if (now.getTime() - new Date(z.receivedAt).getTime() < RECOVER_AFTER_MS) continue;
      if (await this.alertsService.coveredSince(z.clientId, NEGATIVE_FEEDBACK, scope, new Date(z.receivedAt))) continue;
      const place = await this.alertsService.zonePlace(z.clientId, z.zoneId);
      if (!place) continue;
      const result = await this.alertsService.raise({ place, rule: NEGATIVE_FEEDBACK, scope, detail: { reasons: z.reasons, recovered: true }, count: 1, repeat: 1 }, now);
      if (result?.created) raised++;
    }
    return raised;
  }

  private take(rating: StoredRatingEvent): void {
    if (rating.excluded || rating.polarity !== 'negative') return;
    const key = `${rating.clientId}|${rating.zoneId}`;
    const list = this.pending.get(key) ?? [];
    list.push(rating);
    this.pending.set(key, list);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const batch = this.pending;
      this.pending = new Map();
      this.flushing = this.flushing.then(() => this.flush(batch)).catch((err: Error) => this.logger.warn(`Acting on negative feedback failed: ${err.message}`));
    });
  }

  private async flush(batch: Map<string, StoredRatingEvent[]>): Promise<void> {
    await Promise.all([...batch.values()].map((ratings) => this.zone(ratings).catch((err: Error) => this.logger.warn(`Negative feedback of zone ${ratings[0].zoneId}: ${err.message}`))));
  }

  private async zone(ratings: StoredRatingEvent[]): Promise<void> {
    const [first] = ratings;
    const key = `${first.clientId}|${first.zoneId}`;
    let place = this.places.get(key);
    if (!place) {
      place = this.alertsService.zonePlace(first.clientId, first.zoneId);
      this.places.set(key, place);
    }
    const where = await place;
    if (!where) return;
    const settings = settingsAt(where, NEGATIVE_FEEDBACK);
    if (!settings.enabled) return;
    const now = this.clock.now();
    // Follow-up answers name the reasons of a rating counted before: they can alert, but count no second time.
    const counted = ratings.filter((r) => !r.followUp);
    const lowestWithReason = ratings.some((r) => r.score === lowestScore(r.scale) && r.reasons.length > 0);
    const recent = await this.ratings.negativesSince(first.clientId, first.siteId, first.zoneId, new Date(now.getTime() - settings.burstMinutes * 60_000));
    const verdict = alerts(lowestWithReason, recent, settings.burstCount);
    const reasons = [...new Set(ratings.flatMap((r) => r.reasons))].sort();
    // The count is the negatives this process saw while the alert was open (each once: the burst's
    // earlier ones may still be on their way here); the burst's own size is in the detail.
    const detail = { reasons, recentNegatives: recent, burstMinutes: settings.burstMinutes };
    const raised = await this.alertsService.raiseOrCount(
      { place: where, rule: NEGATIVE_FEEDBACK, scope: `zone:${first.zoneId}`, detail, count: Math.max(counted.length, 1), repeat: counted.length },
      verdict,
      now,
    );
    if (raised && verdict.burst && !this.incidentRaised.has(raised.id)) {
      this.incidentRaised.set(raised.id, true);
      const incident = await this.incidents.raise(first.clientId, first.zoneId, 'other');
      await this.alertsService.addDetail(first.clientId, raised.id, { incident: incident.id });
    }
  }
}
