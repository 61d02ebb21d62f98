import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { CatalogService } from '../catalog/catalog.service';
import { isKey } from '../catalog/catalog.types';
import { AppConfig } from '../platform/config/app-config';
import { DomainException, ErrorCode } from '../platform/errors/domain.exception';
import { isDatabaseUnavailable, storageRefusal } from '../platform/database/database-errors';
import { DeadLettersRepository } from '../platform/mqtt/dead-letters.repository';
import { MqttService } from '../platform/mqtt/mqtt.service';
import { createHash } from 'node:crypto';
import { createRatingSchema } from './rating.dto';
import { RatingsService } from './ratings.service';

/** A terminal sends what a web rating does, less the token (its topic names the kiosk) and the follow-up fields. */
const payloadSchema = createRatingSchema.pick({ score: true, ts: true, id: true });

/**
 * Smiley terminals publish {"score", "ts", "id"} to {prefix}/{site}/{zone}/{device}/rating. Each goes
 * through the same validation, misuse filter and storage as a web rating, and is acknowledged only
 * once stored or dead-lettered. Without an id, the message's own fingerprint makes a redelivery harmless.
 * Only a database that is away makes a message wait and come back; whatever the database or the
 * rules refuse in the message itself is a dead letter, so one bad message never holds up the rest.
 */
@Injectable()
export class KioskRatingsSubscriber implements OnModuleInit {
  private readonly logger = new Logger(KioskRatingsSubscriber.name);

  constructor(
    private readonly mqtt: MqttService,
    private readonly catalog: CatalogService,
    private readonly ratings: RatingsService,
    private readonly deadLetters: DeadLettersRepository,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.mqtt.subscribe(`${this.config.mqttTopicPrefix}/+/+/+/rating`, (topic, payload) => this.handle(topic, payload));
  }

  async handle(topic: string, payload: Buffer): Promise<void> {
    const [siteKey = '', zoneKey = '', deviceKey = ''] = topic.slice(this.config.mqttTopicPrefix.length + 1).split('/');
    const refuse = (reason: string, detail: string, tenant?: { clientId: string; siteId: string }) =>
      this.deadLetters.record({ topic, payload, reason, detail, clientId: tenant?.clientId, siteId: tenant?.siteId, deviceRef: `${siteKey}.${deviceKey}` });
    try {
      await this.store(topic, payload, [siteKey, zoneKey, deviceKey], refuse);
    } catch (error) {
      if (isDatabaseUnavailable(error)) throw error;
      const detail = storageRefusal(error);
      this.logger.warn(`A kiosk rating on ${JSON.stringify(topic)} was refused by storage; dead-lettered: ${detail}`);
      await refuse('storage_rejected', detail);
    }
  }

  private async store(topic: string, payload: Buffer, keys: [string, string, string], refuse: Refuse): Promise<void> {
    const [siteKey, zoneKey, deviceKey] = keys;
    const badKey = keys.find((k) => !isKey(k));
    if (badKey !== undefined) return refuse('bad_topic', `${JSON.stringify(badKey.slice(0, 80))} is not a key (lower-case letters, digits and single dashes)`);

    const touchpoint = await this.catalog.kioskTouchpointOfDevice(siteKey, zoneKey, deviceKey);
    if (!touchpoint) return refuse('unknown_device', `no active device "${deviceKey}" declaring the rating signal beside a kiosk touchpoint in ${siteKey}/${zoneKey}`);

    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      return refuse('malformed', 'expected a JSON object {"score": …, "ts": …, "id": …}', touchpoint);
    }
    const parsed = payloadSchema.safeParse(json);
    if (!parsed.success) return refuse('malformed', parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; '), touchpoint);

    const { score, ts, id } = parsed.data;
    try {
      await this.ratings.submit(
        { token: touchpoint.token },
        { score, ts, id: id ?? `mqtt-${createHash('sha256').update(topic).update(payload).digest('base64url').slice(0, 32)}` },
        { origin: 'mqtt', source: `device:${siteKey}/${zoneKey}/${deviceKey}` },
      );
    } catch (error) {
      if (!(error instanceof DomainException)) throw error;
      const reason = { [ErrorCode.Conflict]: 'duplicate_id', [ErrorCode.NotFound]: 'unknown_device' }[error.code as string] ?? 'invalid';
      return refuse(reason, error.errors.map((e) => `${e.field}: ${e.message}`).join('; ') || error.message, touchpoint);
    }
  }
}

type Refuse = (reason: string, detail: string, tenant?: { clientId: string; siteId: string }) => Promise<void>;
