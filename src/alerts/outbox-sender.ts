import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '../platform/clock';
import { MailSender } from '../platform/mail/mail-sender';
import { MqttService } from '../platform/mqtt/mqtt.service';
import { AlertsRepository, type ClaimedDelivery } from './alerts.repository';
import { AlertsService } from './alerts.service';
import { DELIVERY_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, retryDelayMs, signature } from './signature';

/** Deliveries claimed at a time; sent side by side. */
const BATCH = 50;
/** The sender looks for due deliveries at least this often (other instances' rows, retries that came due). */
const POLL_MS = 1_000;
/** A receiver that has not answered in this long has failed the attempt. */
const TIMEOUT_MS = 10_000;
/** A delivery is retried for this long after it was queued, then given up (logged, never silently). */
const GIVE_UP_MS = 24 * 3_600_000;

type Outcome = { ok: boolean; status: number | null; error: string | null };

/**
 * Sends the outbox: every instance claims due deliveries (FOR UPDATE SKIP LOCKED, with a lease), sends
 * each by its channel, and records the attempt. At least once: a delivery is marked only after the
 * receiver took it (MQTT PUBACK, a 2xx, the SMTP server's 250), so a crash or a receiver that is down
 * means another attempt, with backoff, for up to 24 h; each carries its delivery id for receivers to
 * drop repeats. Woken at once when a change queues deliveries, so an alert is out within milliseconds.
 */
@Injectable()
export class OutboxSender implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxSender.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly outbox: AlertsRepository,
    private readonly alerts: AlertsService,
    private readonly mqtt: MqttService,
    private readonly mail: MailSender,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.alerts.onDeliveriesQueued(() => this.kick());
    this.timer = setInterval(() => this.kick(), POLL_MS).unref();
    this.kick();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Sends what is due now; a kick while sending runs another round after it. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.rounds().finally(() => this.ended());
  }

  /**
   * Sends what is due now as a round of its own, after the one in progress: when it returns, every
   * delivery due now has been attempted and its outcome recorded (by this round or the one before).
   * How many this round sent.
   */
  async sendDue(): Promise<number> {
    while (this.running) await this.running;
    const round = this.sendBatches();
    this.running = round.then(
      () => undefined,
      () => undefined,
    ).finally(() => this.ended());
    return round;
  }

  /** A round ended: one kicked meanwhile runs now. */
  private ended(): void {
    this.running = undefined;
    if (this.again) this.kick();
  }

  private async sendBatches(): Promise<number> {
    let sent = 0;
    for (let batch = await this.outbox.claim(this.clock.now(), BATCH); batch.length; batch = await this.outbox.claim(this.clock.now(), BATCH)) {
      await Promise.all(batch.map((d) => this.deliver(d)));
      sent += batch.length;
      if (this.stopped) break;
    }
    return sent;
  }

  private async rounds(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.sendBatches();
      } catch (err) {
        this.logger.warn(`Sending alerts failed: ${(err as Error).message}`);
      }
    } while (this.again && !this.stopped);
  }

  private async deliver(d: ClaimedDelivery): Promise<void> {
    const started = performance.now();
    let outcome: Outcome;
    try {
      outcome = await this.send(d);
    } catch (err) {
      outcome = { ok: false, status: null, error: (err as Error).message.slice(0, 500) };
    }
    const now = this.clock.now();
    const expired = now.getTime() - d.createdAt.getTime() >= GIVE_UP_MS;
    const retryAt = outcome.ok || expired ? null : new Date(now.getTime() + retryDelayMs(d.attempts));
    if (!outcome.ok && expired) this.logger.error(`Gave up delivering alert ${d.alertId} to ${d.recipient} by ${d.channel} after ${d.attempts} attempts: ${outcome.error}`);
    await this.outbox.attempted(d, now, { ...outcome, durationMs: performance.now() - started, retryAt });
  }

  private async send(d: ClaimedDelivery): Promise<Outcome> {
    if (d.channel === 'mqtt') {
      await this.mqtt.publish(String(d.target.topic), JSON.stringify({ ...d.payload, id: d.id }), 1);
      return { ok: true, status: null, error: null };
    }
    if (d.channel === 'email') return this.email(d);
    return this.webhook(d);
  }

  private async webhook(d: ClaimedDelivery): Promise<Outcome> {
    const target = d.target as { url: string; format: string; secretEnv?: string };
    const body = JSON.stringify(target.format === 'json' ? { ...d.payload, id: d.id } : d.payload);
    const timestamp = Math.floor(this.clock.now().getTime() / 1000);
    const headers: Record<string, string> = { 'content-type': 'application/json', [DELIVERY_ID_HEADER]: d.id, 'idempotency-key': d.id, [TIMESTAMP_HEADER]: String(timestamp) };
    if (target.secretEnv) {
      // Read when sent, never stored: contract files name the variable (ALERT_*), so AppConfig cannot know it at boot.
      // eslint-disable-next-line no-restricted-properties
      const secret = process.env[target.secretEnv] || undefined;
      if (!secret) return { ok: false, status: null, error: `${target.secretEnv} is not set: the webhook's signing secret` };
      headers[SIGNATURE_HEADER] = signature(secret, timestamp, body);
    }
    const response = await fetch(target.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error' });
    await response.arrayBuffer().catch(() => undefined);
    return response.ok ? { ok: true, status: response.status, error: null } : { ok: false, status: response.status, error: `HTTP ${response.status}` };
  }

  private async email(d: ClaimedDelivery): Promise<Outcome> {
    const payload = d.payload as { subject: string; text: string; language: string };
    await this.mail.send({
      to: String(d.target.to),
      subject: payload.subject,
      text: payload.text,
      headers: { 'Content-Language': payload.language, [DELIVERY_ID_HEADER]: d.id },
      messageId: `<${d.id}@xla-monitor>`,
    });
    return { ok: true, status: 250, error: null };
  }
}
