import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alerts (issue 15): one open alert per rule and scope (repeats count, never a second alert), every
 * change kept with who, when and a note, and an outbox of deliveries per channel read with
 * FOR UPDATE SKIP LOCKED: delivered at least once, across restarts, each with an idempotency id.
 * The contract's alerting settings (rules, overrides, recipients) come from its file, as its
 * incident policy does.
 */
export class Alerts1765000000010 implements MigrationInterface {
  name = 'Alerts1765000000010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE contracts ADD COLUMN alerting jsonb NOT NULL DEFAULT '{}'`);
    await q.query(`
      CREATE TABLE alerts (
        client_id uuid NOT NULL REFERENCES clients (id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        contract_id uuid NOT NULL REFERENCES contracts (id),
        site_id uuid REFERENCES sites (id),
        zone_id uuid REFERENCES zones (id),
        rule text NOT NULL,
        scope text NOT NULL,
        severity text NOT NULL CHECK (severity IN ('critical', 'warning', 'info')),
        state text NOT NULL CHECK (state IN ('open', 'acknowledged', 'resolved')),
        title text NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}',
        count integer NOT NULL DEFAULT 1 CHECK (count > 0),
        opened_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        acknowledged_at timestamptz,
        resolved_at timestamptz,
        snoozed_until timestamptz,
        level integer NOT NULL DEFAULT 0,
        level_since timestamptz,
        reminded_at timestamptz,
        all_hours boolean NOT NULL DEFAULT false,
        PRIMARY KEY (client_id, id),
        CHECK ((state = 'resolved') = (resolved_at IS NOT NULL))
      )`);
    // The one open (or acknowledged) alert of a rule and scope: a repeat finds it by this index and counts.
    await q.query(`CREATE UNIQUE INDEX alerts_one_open ON alerts (client_id, rule, scope) WHERE state <> 'resolved'`);
    await q.query(`CREATE INDEX alerts_site_opened ON alerts (client_id, site_id, opened_at)`);
    await q.query(`CREATE INDEX alerts_unresolved ON alerts (opened_at) WHERE state <> 'resolved'`);
    await q.query(`
      CREATE TABLE alert_events (
        client_id uuid NOT NULL REFERENCES clients (id),
        alert_id uuid NOT NULL,
        seq bigserial,
        at timestamptz NOT NULL,
        action text NOT NULL CHECK (action IN ('opened', 'acknowledged', 'resolved', 'auto_resolved', 'snoozed', 'reminded', 'escalated', 'reopened')),
        actor text NOT NULL,
        note text,
        PRIMARY KEY (client_id, alert_id, seq),
        FOREIGN KEY (client_id, alert_id) REFERENCES alerts (client_id, id) ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE TABLE alert_outbox (
        client_id uuid NOT NULL REFERENCES clients (id),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        alert_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('opened', 'reminder', 'escalated', 'resolved', 'thanks')),
        channel text NOT NULL CHECK (channel IN ('mqtt', 'webhook', 'email')),
        recipient text NOT NULL,
        target jsonb NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        not_before timestamptz NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        locked_until timestamptz,
        delivered_at timestamptz,
        failed_at timestamptz,
        last_error text,
        PRIMARY KEY (client_id, id),
        FOREIGN KEY (client_id, alert_id) REFERENCES alerts (client_id, id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX alert_outbox_pending ON alert_outbox (not_before) WHERE delivered_at IS NULL AND failed_at IS NULL`);
    await q.query(`CREATE INDEX alert_outbox_alert ON alert_outbox (client_id, alert_id)`);
    await q.query(`
      CREATE TABLE alert_deliveries (
        client_id uuid NOT NULL REFERENCES clients (id),
        outbox_id uuid NOT NULL,
        attempt integer NOT NULL,
        at timestamptz NOT NULL,
        ok boolean NOT NULL,
        status integer,
        error text,
        duration_ms integer NOT NULL,
        PRIMARY KEY (client_id, outbox_id, attempt),
        FOREIGN KEY (client_id, outbox_id) REFERENCES alert_outbox (client_id, id) ON DELETE CASCADE
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE alert_deliveries`);
    await q.query(`DROP TABLE alert_outbox`);
    await q.query(`DROP TABLE alert_events`);
    await q.query(`DROP TABLE alerts`);
    await q.query(`ALTER TABLE contracts DROP COLUMN alerting`);
  }
}
