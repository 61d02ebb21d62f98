import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { RatingsService, type StoredRatingEvent } from '../feedback/ratings.service';
import { settingsAt } from './alert-rules';
import { AlertsService } from './alerts.service';

const DAY_MS = 86_400_000;

/**
 * "Thank the team": a streak of positive ratings in a zone (`streak` in a row, 10 by default) sends
 * the site's team a thank-you, at most once a day per zone. Counted as ratings arrive, in memory (no
 * query per rating); a streak that reaches its length is confirmed against the zone's last ratings
 * in the database, so ratings taken by other instances count too.
 */
@Injectable()
export class ThankTheTeam implements OnModuleInit {
  private readonly logger = new Logger(ThankTheTeam.name);
  private readonly streaks = new LRUCache<string, number>({ max: 100_000 });
  private readonly thanked = new LRUCache<string, true>({ max: 100_000, ttl: DAY_MS });
  private checking: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ratings: RatingsService,
    private readonly alerts: AlertsService,
  ) {}

  onModuleInit(): void {
    this.ratings.onRatingStored((rating) => this.take(rating));
  }

  /** Resolves once the streaks taken so far have been checked (tests). */
  async drain(): Promise<void> {
    await this.checking;
  }

  private take(r: StoredRatingEvent): void {
    if (r.excluded || r.followUp) return;
    const key = `${r.clientId}|${r.zoneId}`;
    if (r.polarity !== 'positive') {
      this.streaks.delete(key);
      return;
    }
    const n = (this.streaks.get(key) ?? 0) + 1;
    this.streaks.set(key, n);
    if (this.thanked.has(key) || n < 2) return;
    this.checking = this.checking.then(() => this.check(r, key, n)).catch((err: Error) => this.logger.warn(`Thanking the team failed: ${err.message}`));
  }

  private async check(r: StoredRatingEvent, key: string, n: number): Promise<void> {
    if (this.thanked.has(key)) return;
    const place = await this.alerts.zonePlace(r.clientId, r.zoneId);
    if (!place) return;
    const settings = settingsAt(place, 'thank_team');
    if (!settings.enabled || n < settings.streak) return;
    const last = await this.ratings.lastPolarities(r.clientId, r.siteId, r.zoneId, settings.streak);
    if (last.length < settings.streak || last.some((p) => p !== 'positive')) return;
    this.thanked.set(key, true);
    await this.alerts.raise({ place, rule: 'thank_team', scope: `zone:${r.zoneId}`, detail: { streak: settings.streak }, count: settings.streak, repeat: 0 });
  }
}
