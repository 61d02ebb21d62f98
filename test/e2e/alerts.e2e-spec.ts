import { randomUUID } from 'node:crypto';
import { appendFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import request from 'supertest';
import { AlertRulesJob } from '../../src/alerts/alert-rules.job';
import { NegativeFeedback } from '../../src/alerts/negative-feedback';
import { OutboxSender } from '../../src/alerts/outbox-sender';
import { ThankTheTeam } from '../../src/alerts/thank-the-team';
import { verifySignature } from '../../src/alerts/signature';
import { Clock } from '../../src/platform/clock';
import { RollupsService } from '../../src/scoring/rollups.service';
import { MqttService } from '../../src/platform/mqtt/mqtt.service';
import { smtpServer, type TestSmtpServer } from '../support/smtp-server';
import { fixtureContracts, freshStorage, pollUntil, startTestApp, type Storage, type TestApp } from '../support/test-app';

const SECRET = 'webhook-secret-for-tests';
/**
 * Wednesday 16 January 2030, 10:00 in Stockholm: Alpha HQ is open (weekdays 07-18). In the future, so
 * that nothing a restarted app does before its clock is set (by the real one) finds a delivery due early.
 */
const OPEN = DateTime.fromISO('2030-01-16T10:00', { zone: 'Europe/Stockholm' }).toMillis();

/** A webhook receiver that fails its first `failFirst` requests with 500, then takes them; it keeps every request. */
class Receiver {
  failFirst = 0;
  readonly requests: Array<{ headers: IncomingMessage['headers']; body: string; status: number }> = [];
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const status = this.failFirst > 0 ? (this.failFirst--, 500) : 200;
        this.requests.push({ headers: req.headers, body, status });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  /** The alerts taken (2xx), once per delivery id, as a receiver that drops repeats keeps them. */
  taken(): Array<{ id: string; kind: string; alert: { id: string; count: number; rule: string } }> {
    const byId = new Map<string, { id: string; kind: string; alert: { id: string; count: number; rule: string } }>();
    for (const r of this.requests.filter((x) => x.status === 200)) byId.set(String(r.headers['x-xla-delivery']), JSON.parse(r.body));
    return [...byId.values()];
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describe('alerts', () => {
  let receiver: Receiver;
  let smtp: TestSmtpServer;
  let storage: Storage;
  let sut: TestApp;
  let contractsDir: string;
  let started: number;
  let shift = 0;
  let fmAlpha: string;
  let viewerBeta: string;
  let viewerAlpha: string;
  const mqtt: Array<{ topic: string; payload: string }> = [];

  /** The app's clock: Alpha HQ's open hours, running with real time, moved on by `shift`. */
  const clockOf = (app: TestApp) => jest.spyOn(app.app.get(Clock), 'now').mockImplementation(() => new Date(OPEN + (Date.now() - started) + shift));

  const boot = async () => {
    const app = await startTestApp({ storage, env: { CONTRACTS_DIR: contractsDir, SMTP_URL: smtp.url, ALERT_TEST_SECRET: SECRET, TRUST_PROXY: 'true' } });
    clockOf(app);
    const broker = app.app.get(MqttService);
    broker.subscribe(`${app.config.mqttTopicPrefix}/+/alerts`, (topic, payload) => {
      mqtt.push({ topic, payload: payload.toString() });
    });
    return app;
  };

  beforeAll(async () => {
    started = Date.now();
    // The signing secret, by the variable the contract file names (read when a webhook is sent, as a deployment's environment).
    process.env.ALERT_TEST_SECRET = SECRET;
    receiver = await new Receiver().start();
    smtp = await smtpServer();
    contractsDir = fixtureContracts('alerts');
    appendFileSync(
      join(contractsDir, 'alpha.yaml'),
      `
objectives:
  - { key: restroom-csat, kind: xla, indicator: csat, target: 0.85, scope: { zoneTypes: [restroom] } }
alerts:
  rules:
    negative_feedback: { burstCount: 3, burstMinutes: 15, remindMinutes: 30, escalateMinutes: 20 }
  recipients:
    - key: alpha-team-hook
      webhook: { url: "${receiver.url}", secretEnv: ALERT_TEST_SECRET }
    - key: alpha-team-mail
      email: stadteam@alpha.example
    - key: alpha-handhelds
      mqtt: true
    - key: alpha-managers
      level: 1
      email: chef@alpha.example
`,
    );
    storage = await freshStorage();
    sut = await boot();
    fmAlpha = await sut.keyFor('fm_manager', 'alpha');
    viewerAlpha = await sut.keyFor('client_viewer', 'alpha');
    viewerBeta = await sut.keyFor('client_viewer', 'beta');
  });
  afterAll(async () => {
    delete process.env.ALERT_TEST_SECRET;
    await sut?.close();
    await receiver.stop();
    await smtp.stop();
    rmSync(contractsDir, { recursive: true, force: true });
  });

  const rate = (token: string, score: number, reasons: string[] = [], source = `198.51.100.${Math.floor(Math.random() * 250) + 1}`) =>
    request(sut.http).post('/api/v1/ratings').set('X-Forwarded-For', source).send({ token, score, reasons, id: randomUUID() });
  const settle = async () => {
    await sut.app.get(NegativeFeedback).drain();
    await sut.app.get(OutboxSender).sendDue();
  };
  const alertsOf = async (rule: string) =>
    (await request(sut.http).get(`/api/v1/alerts?rule=${rule}&state=unresolved`).set('Authorization', `Bearer ${fmAlpha}`).expect(200)).body.items as Array<{ id: string; count: number; state: string; site: string; zone: string; level: number }>;

  it('turns 1,000 negative ratings in 10 s in one zone into one alert with count 1,000 and one delivery per channel, in Swedish', async () => {
    const token = await sut.tokenOf('alpha-1f-restroom-qr');
    // 1,000 ratings from 1,000 senders (the misuse filter would exclude one sender's burst), 50 at a time.
    for (let i = 0; i < 1000; i += 50) {
      const batch = Array.from({ length: 50 }, (_, j) => rate(token, 1, ['no_soap'], `203.0.${Math.floor((i + j) / 250)}.${((i + j) % 250) + 1}`).expect(201));
      await Promise.all(batch);
    }
    await settle();
    const [alert, ...others] = await alertsOf('negative_feedback');
    expect(others).toEqual([]);
    expect(alert).toMatchObject({ count: 1000, state: 'open', site: 'alpha-hq', zone: '1f-restroom', level: 0 });
    const detail = (await request(sut.http).get(`/api/v1/alerts/${alert.id}`).set('Authorization', `Bearer ${fmAlpha}`).expect(200)).body;
    // Level 0's three recipients, one delivery each, all delivered; the burst opened an incident for the zone.
    expect(detail.deliveries.map((d: { channel: string; recipient: string; deliveredAt: string | null }) => [d.channel, d.recipient, d.deliveredAt !== null]).sort()).toEqual([
      ['email', 'alpha-team-mail', true],
      ['mqtt', 'alpha-handhelds', true],
      ['webhook', 'alpha-team-hook', true],
    ]);
    expect(detail.detail.incident).toEqual(expect.any(String));
    const [incident] = await sut.dataSource.query<Array<{ category: string; state: string }>>(`SELECT category FROM incidents WHERE id = $1`, [detail.detail.incident]);
    expect(incident.category).toBe('other');
    expect(detail.history.map((h: { action: string }) => h.action)).toEqual(['opened']);
    // The receivers: one webhook, one mail (Swedish), one MQTT message, each once.
    expect(receiver.taken().map((t) => [t.kind, t.alert.id, t.alert.rule])).toEqual([['opened', alert.id, 'negative_feedback']]);
    const mail = await pollUntil(() => Promise.resolve(smtp.mails.find((m) => m.to === 'stadteam@alpha.example')));
    expect(smtp.mails.filter((m) => m.to === 'stadteam@alpha.example')).toHaveLength(1);
    expect(mail.raw).toMatch(/Content-Language: sv/);
    expect(decodeSubject(mail.raw)).toBe('Negativ feedback i Toalett 1 tr, Alpha HQ');
    const messages = await pollUntil(() => Promise.resolve(mqtt.filter((m) => (JSON.parse(m.payload) as { alert?: { id: string } }).alert?.id === alert.id).length === 1 && mqtt));
    expect(messages.filter((m) => JSON.parse(m.payload).alert?.id === alert.id).map((m) => m.topic)).toEqual([`${sut.config.mqttTopicPrefix}/alpha-hq/alerts`]);
  });

  it('raises one burn-rate alert while the restroom csat burns its budget fast, read from the scoring module', async () => {
    await sut.app.get(RollupsService).catchUp();
    await sut.app.get(AlertRulesJob).run();
    await sut.app.get(AlertRulesJob).run();
    const [burn, ...more] = await alertsOf('burn_rate');
    expect(more).toEqual([]);
    const detail = (await request(sut.http).get(`/api/v1/alerts/${burn.id}`).set('Authorization', `Bearer ${fmAlpha}`).expect(200)).body;
    expect(detail).toMatchObject({ severity: 'critical', contract: 'alpha-fm', site: null, detail: { objective: 'restroom-csat', indicator: 'csat', target: 0.85 } });
    expect(detail.detail.conditions).toContain('fast');
    // The figure the alert names is the scorecard's own.
    const card = (await request(sut.http).get('/api/v1/contracts/alpha-fm/scorecard').set('Authorization', `Bearer ${fmAlpha}`).expect(200)).body;
    const objective = (card.objectives as Array<{ key: string; value: number; alerts: Array<{ name: string; fires: boolean }> }>).find((o) => o.key === 'restroom-csat')!;
    expect(detail.detail.value).toBe(objective.value);
    expect(objective.alerts.find((a) => a.name === 'fast')!.fires).toBe(true);
  });

  it('signs each webhook delivery over its timestamp and body', () => {
    const [delivery] = receiver.requests;
    const ts = Number(delivery.headers['x-xla-timestamp']);
    expect(verifySignature(SECRET, ts, delivery.body, String(delivery.headers['x-xla-signature']), ts)).toBe(true);
    expect(verifySignature('another secret', ts, delivery.body, String(delivery.headers['x-xla-signature']), ts)).toBe(false);
    expect(delivery.headers['idempotency-key']).toBe(delivery.headers['x-xla-delivery']);
  });

  it('does not raise an alert for a second bad rating without a reason, below the burst', async () => {
    const kitchen = await sut.tokenOf('alpha-kitchen-qr');
    await rate(kitchen, 3).expect(201);
    await rate(kitchen, 2).expect(201);
    await settle();
    expect((await alertsOf('negative_feedback')).map((a) => a.zone)).toEqual(['1f-restroom']);
  });

  it('answers 404 to another client reading or acting on an alert, and lets a client viewer read but not act', async () => {
    const [alert] = await alertsOf('negative_feedback');
    await request(sut.http).get(`/api/v1/alerts/${alert.id}`).set('Authorization', `Bearer ${viewerBeta}`).expect(404);
    const fmBeta = await sut.keyFor('fm_manager', 'beta');
    for (const action of ['ack', 'resolve']) await request(sut.http).post(`/api/v1/alerts/${alert.id}/${action}`).set('Authorization', `Bearer ${fmBeta}`).send({}).expect(404);
    await request(sut.http).post(`/api/v1/alerts/${alert.id}/snooze`).set('Authorization', `Bearer ${fmBeta}`).send({ minutes: 10 }).expect(404);
    expect((await request(sut.http).get('/api/v1/alerts').set('Authorization', `Bearer ${viewerBeta}`).expect(200)).body.items).toEqual([]);
    // Filters by site and contract apply before the limit.
    const bySite = (await request(sut.http).get('/api/v1/alerts?site=alpha-hq&contract=alpha-fm&limit=1').set('Authorization', `Bearer ${viewerAlpha}`).expect(200)).body.items;
    expect(bySite.map((a: { id: string }) => a.id)).toEqual([alert.id]);
    expect((await request(sut.http).get('/api/v1/alerts?site=alpha-branch').set('Authorization', `Bearer ${viewerAlpha}`).expect(200)).body.items).toEqual([]);
    await request(sut.http).get(`/api/v1/alerts/${alert.id}`).set('Authorization', `Bearer ${viewerAlpha}`).expect(200);
    await request(sut.http).post(`/api/v1/alerts/${alert.id}/ack`).set('Authorization', `Bearer ${viewerAlpha}`).send({}).expect(403);
    await request(sut.http).post(`/api/v1/alerts/not-a-uuid/ack`).set('Authorization', `Bearer ${fmAlpha}`).send({}).expect(400);
    await request(sut.http).post(`/api/v1/alerts/${alert.id}/snooze`).set('Authorization', `Bearer ${fmAlpha}`).send({ minutes: 1e12 }).expect(400);
  });

  it('reminds every 30 minutes, escalates after 20 unacknowledged, stays silent outside service hours, and resolves itself when the zone goes quiet', async () => {
    const [alert] = await alertsOf('negative_feedback');
    const job = sut.app.get(AlertRulesJob);
    const kinds = () => receiver.taken().filter((t) => t.alert.id === alert.id).map((t) => t.kind);
    shift = 19 * 60_000;
    await job.run();
    await settle();
    expect((await alertsOf('negative_feedback'))[0].level).toBe(0);
    shift = 21 * 60_000;
    expect(await job.run()).toMatchObject({ escalated: 1, reminded: 0 });
    await settle();
    // Level 1 is the managers' e-mail: the team's webhook hears nothing new.
    expect((await alertsOf('negative_feedback'))[0].level).toBe(1);
    expect(await pollUntil(() => Promise.resolve(smtp.mails.find((m) => m.to === 'chef@alpha.example')))).toBeTruthy();
    expect(decodeSubject(smtp.mails.find((m) => m.to === 'chef@alpha.example')!.raw)).toBe('Eskalerat: Negativ feedback i Toalett 1 tr, Alpha HQ');
    // Top level: reminders to it every 30 minutes.
    shift = 52 * 60_000;
    expect(await job.run()).toMatchObject({ reminded: 1, escalated: 0 });
    expect(await job.run()).toMatchObject({ reminded: 0, escalated: 0 });
    // 19:00 the same day: the office is closed, so no reminder pages anyone.
    shift = DateTime.fromISO('2030-01-16T19:00', { zone: 'Europe/Stockholm' }).toMillis() - OPEN - (Date.now() - started);
    expect(await job.run()).toMatchObject({ reminded: 0, escalated: 0 });
    await settle();
    const resolved = (await request(sut.http).get(`/api/v1/alerts/${alert.id}`).set('Authorization', `Bearer ${fmAlpha}`).expect(200)).body;
    expect(resolved.state).toBe('resolved');
    expect(resolved.history.map((h: { action: string }) => h.action)).toEqual(['opened', 'escalated', 'reminded', 'auto_resolved']);
    expect(kinds()).toEqual(['opened']);
    shift = 0;
  });

  it('delivers a webhook exactly once by id when the receiver fails three times, across a service restart', async () => {
    receiver.failFirst = 3;
    const before = receiver.requests.length;
    const token = await sut.tokenOf('alpha-1f-restroom-qr');
    await rate(token, 1, ['dirty_floor']).expect(201);
    await sut.app.get(NegativeFeedback).drain();
    const [alert] = await alertsOf('negative_feedback');
    const mine = () => receiver.requests.slice(before).filter((r) => JSON.parse(r.body).alert?.id === alert.id);
    // Whoever sends an attempt (the test's round or the sender's own, on a kick or every second), it is made by the time sendDue returns.
    const attempts = async (n: number) => {
      await sut.app.get(OutboxSender).sendDue();
      expect(mine()).toHaveLength(n);
    };
    await attempts(1);
    expect(mine().map((r) => r.status)).toEqual([500]);
    // A restart between attempts: the outbox row is in the database, not in the process.
    await sut.stop();
    sut = await boot();
    for (const [i, wait] of [3, 5, 9].entries()) {
      shift += wait * 1000;
      await attempts(i + 2);
    }
    expect(mine().map((r) => r.status)).toEqual([500, 500, 500, 200]);
    expect(new Set(mine().map((r) => r.headers['x-xla-delivery'])).size).toBe(1);
    expect(receiver.taken().filter((t) => t.alert.id === alert.id)).toHaveLength(1);
    const last = mine()[3];
    const ts = Number(last.headers['x-xla-timestamp']);
    expect(verifySignature(SECRET, ts, last.body, String(last.headers['x-xla-signature']), ts)).toBe(true);
    const [log] = await sut.dataSource.query<Array<{ attempts: number; ok: number }>>(
      `SELECT count(*)::int AS attempts, count(*) FILTER (WHERE d.ok)::int AS ok FROM alert_deliveries d JOIN alert_outbox o ON o.id = d.outbox_id WHERE o.alert_id = $1 AND o.channel = 'webhook'`,
      [alert.id],
    );
    expect(log).toEqual({ attempts: 4, ok: 1 });
  });

  it('acknowledges, snoozes and resolves with who, when and a note, and opens a new alert after a resolved one', async () => {
    const [alert] = await alertsOf('negative_feedback');
    await request(sut.http).post(`/api/v1/alerts/${alert.id}/ack`).set('Authorization', `Bearer ${fmAlpha}`).send({ note: 'On my way' }).expect(200);
    await request(sut.http).post(`/api/v1/alerts/${alert.id}/snooze`).set('Authorization', `Bearer ${fmAlpha}`).send({ minutes: 30 }).expect(200);
    const done = (await request(sut.http).post(`/api/v1/alerts/${alert.id}/resolve`).set('Authorization', `Bearer ${fmAlpha}`).send({ note: 'Refilled' }).expect(200)).body;
    expect(done.state).toBe('resolved');
    const detail = (await request(sut.http).get(`/api/v1/alerts/${alert.id}`).set('Authorization', `Bearer ${fmAlpha}`).expect(200)).body;
    expect(detail.history.map((h: { action: string; actor: string; note: string | null }) => [h.action, h.actor.startsWith('key:') || h.actor === 'system', h.note])).toEqual([
      ['opened', true, null],
      ['acknowledged', true, 'On my way'],
      ['snoozed', true, expect.stringMatching(/^until /)],
      ['resolved', true, 'Refilled'],
    ]);
    await request(sut.http).post(`/api/v1/alerts/${alert.id}/ack`).set('Authorization', `Bearer ${fmAlpha}`).send({}).expect(200);
    const token = await sut.tokenOf('alpha-1f-restroom-qr');
    await rate(token, 1, ['bad_smell']).expect(201);
    await sut.app.get(NegativeFeedback).drain();
    const [next] = await alertsOf('negative_feedback');
    expect(next.id).not.toBe(alert.id);
  });

  it('thanks the team once for ten happy ratings in a row in a zone, and not again for more that day', async () => {
    const token = await sut.tokenOf('alpha-1f-restroom-qr');
    for (let i = 0; i < 9; i++) await rate(token, 5).expect(201);
    await sut.app.get(ThankTheTeam).drain();
    expect(await alertsOf('thank_team')).toEqual([]);
    await rate(token, 5).expect(201);
    await sut.app.get(ThankTheTeam).drain();
    for (let i = 0; i < 12; i++) await rate(token, 5).expect(201);
    await sut.app.get(ThankTheTeam).drain();
    const thanks = await alertsOf('thank_team');
    expect(thanks).toEqual([expect.objectContaining({ zone: '1f-restroom', count: 10 })]);
    await sut.app.get(OutboxSender).sendDue();
    const heard = receiver.taken().filter((t) => t.alert.id === thanks[0].id);
    expect(heard.map((t) => [t.kind, (t as unknown as { subject: string }).subject])).toEqual([['thanks', 'Bra jobbat! Nöjda betyg i rad i Toalett 1 tr, Alpha HQ']]);
  });

  it('alerts on a consumable out while people keep coming and on a planned clean overdue, while operations holds them', async () => {
    const now = sut.app.get(Clock).now();
    const zone = (key: string) => `(SELECT z.id FROM zones z JOIN sites s ON s.id = z.site_id WHERE s.key = 'alpha-hq' AND z.key = '${key}')`;
    const interval = (key: string, kind: string, visitors: number) =>
      sut.dataSource.query(
        `INSERT INTO zone_intervals (client_id, zone_id, kind, start_at, end_at, local_date, site_id, visitors)
         SELECT z.client_id, z.id, $1, $2, $3, $4, z.site_id, $5 FROM zones z WHERE z.id = ${zone(key)}`,
        [kind, new Date(now.getTime() - 20 * 60_000), new Date(now.getTime() + 3_600_000), DateTime.fromJSDate(now, { zone: 'Europe/Stockholm' }).toISODate(), visitors],
      );
    await interval('1f-restroom', 'soap_out', 14);
    await interval('1f-restroom', 'paper_out', 0);
    await interval('kitchen', 'clean_overdue', 0);
    const job = sut.app.get(AlertRulesJob);
    await job.run();
    expect((await alertsOf('consumable_out')).map((a) => a.zone)).toEqual(['1f-restroom']);
    expect((await alertsOf('clean_missed')).map((a) => a.zone)).toEqual(['kitchen']);
    const before = await sut.dataSource.query<Array<{ id: string; last_seen_at: Date }>>(`SELECT id, last_seen_at FROM alerts WHERE rule IN ('consumable_out', 'clean_missed') ORDER BY id`);
    // Three more people came while the soap is out: the next run sees the open alerts again (all in one statement), opens none.
    await sut.dataSource.query(`UPDATE zone_intervals SET visitors = 17 WHERE kind = 'soap_out'`);
    shift += 60_000;
    await job.run();
    expect(await alertsOf('consumable_out')).toEqual([expect.objectContaining({ zone: '1f-restroom', count: 1 })]);
    const after = await sut.dataSource.query<Array<{ id: string; rule: string; last_seen_at: Date; detail: { visitors: number }; events: string[] }>>(
      `SELECT a.id, a.rule, a.last_seen_at, a.detail, (SELECT array_agg(e.action ORDER BY e.at) FROM alert_events e WHERE e.alert_id = a.id) AS events
       FROM alerts a WHERE a.rule IN ('consumable_out', 'clean_missed') ORDER BY a.id`,
    );
    expect(after.map((a) => a.id)).toEqual(before.map((b) => b.id));
    after.forEach((a, i) => expect(a.last_seen_at.getTime()).toBeGreaterThanOrEqual(before[i].last_seen_at.getTime() + 60_000));
    expect(after.map((a) => [a.rule, a.detail.visitors, a.events])).toEqual(
      expect.arrayContaining([
        ['consumable_out', 17, ['opened']],
        ['clean_missed', 0, ['opened']],
      ]),
    );
    // Refilled and cleaned: operations' intervals end, and the alerts resolve themselves.
    await sut.dataSource.query(`UPDATE zone_intervals SET end_at = $1 WHERE kind IN ('soap_out', 'paper_out', 'clean_overdue')`, [new Date(now.getTime() - 60_000)]);
    await job.run();
    expect([...(await alertsOf('consumable_out')), ...(await alertsOf('clean_missed'))]).toEqual([]);
  });

  it('raises the alert of a rating whose event a crash lost, on the rules job\'s recovery sweep, once', async () => {
    const now = sut.app.get(Clock).now();
    const [tp] = await sut.dataSource.query<Array<{ id: string; client_id: string; site_id: string; zone_id: string }>>(
      `SELECT t.id, t.client_id, z.site_id, t.zone_id FROM touchpoints t JOIN zones z ON z.id = t.zone_id WHERE t.key = 'alpha-branch-kiosk'`,
    );
    // Stored, but never seen by the rule: as if the service died between the commit and the alert.
    await sut.dataSource.query(
      `INSERT INTO ratings (client_id, site_id, zone_id, touchpoint_id, submission_id, origin, score, polarity, reasons, rated_at, received_at, source_hash)
       VALUES ($1, $2, $3, $4, $5, 'kiosk', 1, 'negative', '["dirty_floor"]', $6, $6, 'lost')`,
      [tp.client_id, tp.site_id, tp.zone_id, tp.id, randomUUID(), new Date(now.getTime() - 60_000)],
    );
    const entrance = async () => (await alertsOf('negative_feedback')).filter((a) => a.zone === 'entrance');
    expect(await entrance()).toEqual([]);
    await sut.app.get(AlertRulesJob).run();
    const [recovered] = await entrance();
    expect(recovered).toMatchObject({ site: 'alpha-branch', count: 1 });
    await sut.app.get(AlertRulesJob).run();
    expect(await entrance()).toEqual([expect.objectContaining({ id: recovered.id, count: 1 })]);
  });

  it('alerts on an incident past its response target, and resolves the alert with the incident', async () => {
    const opened = (await request(sut.http).post('/api/v1/zones/alpha-hq.kitchen/incidents').set('Authorization', `Bearer ${fmAlpha}`).send({ category: 'leak' })).body;
    const job = sut.app.get(AlertRulesJob);
    const kitchen = async () => (await alertsOf('incident_overdue')).filter((a) => a.zone === 'kitchen');
    await job.run();
    expect(await kitchen()).toEqual([]);
    // Six hours of service time later (10:xx to 16:xx the same day), the leak is past its response target.
    shift += 6 * 3_600_000;
    await job.run();
    expect(await kitchen()).toEqual([expect.objectContaining({ zone: 'kitchen', state: 'open' })]);
    await request(sut.http).post(`/api/v1/incidents/${opened.id}/resolve`).set('Authorization', `Bearer ${fmAlpha}`).expect(200);
    await job.run();
    expect(await kitchen()).toEqual([]);
  });
});

/** A mail's Subject header, decoded (nodemailer encodes non-ASCII subjects as RFC 2047 words). */
function decodeSubject(raw: string): string {
  const header = /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(raw)![1].replace(/\r?\n[ \t]/g, ' ');
  return header.replace(/=\?utf-8\?([BQ])\?([^?]*)\?=\s*/gi, (_, enc: string, text: string) =>
    enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
  );
}
