import type { Signal } from '../catalog/catalog.types';
import { serviceEventFields } from '../operations/service-event';
import { Prng } from './prng';
import { SimulatedClock } from './simulated-clock';
import { Simulation } from './simulation';
import type { ProblemReport } from './problems';
import { backfill, runSimulation, type ProblemReporter, type Publisher } from './simulator';
import { BACKFILL_READINGS } from './simulation';
import type { QrRating } from './ratings';
import { SiteModel } from './site-model';
import { siteFactory } from './test-sites';
import { generatedContract } from './generated-contract';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Every field any message may carry; which ones a message has is checked by its keys. */
interface Payload {
  ts: string;
  value: number;
  score: number;
  id: string;
  tag: string;
}

/** A fake real-time clock whose sleep moves time on, and a publisher that records what it is given. */
function harness() {
  let now = Date.parse('2026-11-20T12:00:00Z'); // real time two days on, so the replayed Wednesday is never capped
  const sent: Array<{ topic: string; payload: Payload }> = [];
  const reported: ProblemReport[] = [];
  const publisher: Publisher = {
    publish: (topic, payload) => {
      sent.push({ topic, payload: JSON.parse(payload) as Payload });
      return Promise.resolve();
    },
  };
  const reporter: ProblemReporter = {
    report: (problem) => {
      reported.push(problem);
      return Promise.resolve(true);
    },
    rate: () => Promise.resolve(true),
  };
  const sleep = async (ms: number) => {
    now += ms;
    await Promise.resolve();
  };
  return { sent, reported, publisher, reporter, sleep, now: () => now };
}

async function simulate(options: { seed: number; rate: number; duration: number; speed: number; simStart: string; sites?: number }) {
  const h = harness();
  const sites = generatedContract(options.sites ?? 2).spec.sites;
  const sut = new Simulation(sites, { seed: options.seed, start: new Date(options.simStart), prefix: 'xla/v1' });
  const summary = await runSimulation(sut, h.publisher, {
    rate: options.rate,
    durationSeconds: options.duration,
    clock: new SimulatedClock(h.now(), Date.parse(options.simStart), options.speed),
    now: h.now,
    sleep: h.sleep,
    reporter: h.reporter,
  });
  return { summary, sent: h.sent, reported: h.reported, sites };
}

describe(runSimulation.name, () => {
  // Two generated sites (Stockholm, Copenhagen) through a Wednesday: 06:00 to 18:00 UTC in 60 real seconds.
  const run = simulate({ seed: 47, rate: 500, duration: 60, speed: 720, simStart: '2026-11-18T06:00:00Z' });

  it('sends the asked-for rate and counts what was acknowledged per signal', async () => {
    const { summary, sent } = await run;
    expect(summary.published).toBe(sent.length);
    expect(summary.published).toBeGreaterThanOrEqual(500 * 60 - 500);
    expect(summary.published).toBeLessThanOrEqual(500 * 60);
    const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
    expect(sum(summary.perSignal) + sum(summary.perEvent)).toBe(summary.published);
    expect(summary.perEvent).toEqual({ checkin: expect.any(Number), refill: expect.any(Number), inspection: expect.any(Number) });
    expect(summary).toMatchObject({ failed: 0, simulatedFrom: '2026-11-18T06:00:00.000Z' });
    expect(Date.parse(summary.simulatedTo)).toBeGreaterThan(Date.parse('2026-11-18T17:50:00Z'));
  });

  it('publishes only signals the device declares, and service events the service takes, on {prefix}/{site}/{zone}/{device}/{signal|event}', async () => {
    const { sent, sites } = await run;
    const declared = new Map<string, Signal[]>();
    for (const site of sites) for (const zone of site.zones) for (const d of zone.devices) declared.set(`xla/v1/${site.key}/${zone.key}/${d.key}`, d.signals);
    const seen = new Set<string>();
    const kinds = new Set<string>();
    // Checked in plain code and collected, so thirty thousand messages do not mean thirty thousand expect calls.
    const problems: string[] = [];
    const check = (ok: boolean, what: string, m: { topic: string; payload: unknown }) => ok || problems.push(`${what}: ${m.topic} ${JSON.stringify(m.payload)}`);
    for (const m of sent) {
      const { topic, payload } = m;
      const signal = topic.split('/').pop() as Signal | 'event';
      check(ISO.test(payload.ts), 'ts', m);
      if (signal === 'event') {
        check(declared.has(topic.slice(0, topic.lastIndexOf('/'))), 'unknown device', m);
        const parsed = serviceEventFields.safeParse(payload);
        check(parsed.success && UUID.test(payload.id) && /^(cleaner|inspector)-/.test(payload.tag), 'service event', m);
        kinds.add(`${parsed.data?.kind}${parsed.data?.consumable ? `:${parsed.data.consumable}` : ''}`);
        continue;
      }
      seen.add(signal);
      check(declared.get(topic.slice(0, topic.lastIndexOf('/')))?.includes(signal) === true, 'undeclared signal', m);
      if (signal === 'rating') {
        check(Object.keys(payload).sort().join() === 'id,score,ts' && Number.isInteger(payload.score) && payload.score >= 1 && payload.score <= 4 && UUID.test(payload.id), 'rating', m);
      } else if (signal === 'cleaning_checkin') {
        check(Object.keys(payload).sort().join() === 'tag,ts,value' && payload.value === 1 && /^cleaner-/.test(payload.tag), 'check-in', m);
      } else {
        check(Object.keys(payload).sort().join() === 'ts,value' && Number.isFinite(payload.value), 'reading', m);
        if (['soap_level', 'paper_level', 'bin_fill', 'humidity', 'battery'].includes(signal)) check(payload.value >= 0 && payload.value <= 100, 'percentage', m);
      }
    }
    expect(problems).toEqual([]);
    expect([...seen].sort()).toEqual([...new Set([...declared.values()].flat())].sort());
    expect([...kinds].sort()).toEqual(['checkin', 'inspection', 'refill:bin', 'refill:paper', 'refill:soap']);
  });

  it('keeps each people counter rising and gives every rating its own id', async () => {
    const { sent } = await run;
    const last = new Map<string, number>();
    for (const { topic, payload } of sent.filter((m) => m.topic.endsWith('/people_count'))) {
      expect(payload.value).toBeGreaterThanOrEqual(last.get(topic) ?? 0);
      last.set(topic, payload.value);
    }
    const ids = sent.filter((m) => m.topic.endsWith('/rating')).map((m) => m.payload.id);
    expect(ids.length).toBeGreaterThan(20);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('repeats exactly with the same seed, and differs with another', async () => {
    const again = await simulate({ seed: 47, rate: 500, duration: 60, speed: 720, simStart: '2026-11-18T06:00:00Z' });
    const other = await simulate({ seed: 48, rate: 500, duration: 60, speed: 720, simStart: '2026-11-18T06:00:00Z' });
    expect(again.sent).toEqual((await run).sent);
    expect(again.reported).toEqual((await run).reported);
    expect(other.sent).not.toEqual((await run).sent);
  });

  it("has occupants report problems through the zones' QR codes now and then, besides the MQTT messages", async () => {
    const { summary, reported, sites } = await run;
    const qrOf = new Map(sites.flatMap((site) => site.zones.map((z) => [`${site.key}/${z.key}`, z.touchpoints.find((t) => t.kind === 'qr')?.key])));
    // Two offices through a working day: a few reports, as in a real building (seed 47).
    expect(reported.map((r) => r.category)).toEqual(['spill', 'other', 'broken_fixture', 'blocked_toilet']);
    for (const r of reported) {
      expect(r.touchpointKey).toBe(qrOf.get(`${r.siteKey}/${r.zoneKey}`));
      expect(r.id).toMatch(UUID);
      expect(r.at.getTime()).toBeGreaterThanOrEqual(Date.parse('2026-11-18T06:00:00Z'));
      expect(r.at.getTime()).toBeLessThanOrEqual(Date.parse(summary.simulatedTo));
    }
    const byCategory: Record<string, number> = {};
    for (const r of reported) byCategory[r.category] = (byCategory[r.category] ?? 0) + 1;
    expect(summary.perReport).toEqual(byCategory);
  });

  it('lets a dispenser run out now and then before the cleaner comes: its level reading drops below 10 % (an incident), and a refill follows', async () => {
    const { sent } = await run;
    const device = (topic: string) => topic.slice(0, topic.lastIndexOf('/'));
    const ranOut = sent.filter((m) => /\/(soap|paper)_level$/.test(m.topic) && m.payload.value < 10);
    expect(ranOut.length).toBeGreaterThan(0);
    // Refills are sent on the dispenser's own device.
    const refilledLater = ranOut.filter((m) =>
      sent.some((e) => e.topic === `${device(m.topic)}/event` && (e.payload as unknown as { kind: string }).kind === 'refill' && e.payload.ts > m.payload.ts),
    );
    expect(refilledLater.length).toBeGreaterThan(0);
  });
});

describe(backfill.name, () => {
  // Two generated offices through a Wednesday, midnight to midnight UTC, as fast as the (instant) publisher takes it.
  const from = Date.parse('2026-11-18T00:00:00Z');
  const until = new Date(from + 86_400_000);
  const run = (async () => {
    const sent: Array<{ topic: string; payload: Payload }> = [];
    const rated: QrRating[] = [];
    const publisher: Publisher = {
      publish: (topic, payload) => {
        sent.push({ topic, payload: JSON.parse(payload) as Payload });
        return Promise.resolve();
      },
    };
    const reporter: ProblemReporter = {
      report: () => Promise.reject(new Error('a backfill sends no problem reports')),
      rate: (rating) => {
        rated.push(rating);
        return Promise.resolve(true);
      },
    };
    const sut = new Simulation(generatedContract(2).spec.sites, { seed: 5, start: new Date(from), prefix: 'xla/v1' });
    const progress: string[] = [];
    const summary = await backfill(sut, publisher, { until, reporter, progress: (at) => progress.push(at.toISOString()) });
    return { summary, sent, rated, progress };
  })();

  it('sends every event and QR rating of the day, and only the readings the SLA facts read, all within the day', async () => {
    const { summary, sent, rated } = await run;
    expect(summary).toMatchObject({ failed: 0, published: sent.length, qrRatings: rated.length, simulatedTo: until.toISOString() });
    const signals = new Set(sent.map((m) => m.topic.split('/').pop()!));
    const readings = [...signals].filter((s) => !['rating', 'cleaning_checkin', 'event'].includes(s));
    expect(readings.every((s) => BACKFILL_READINGS.signals.has(s as Signal))).toBe(true);
    expect(signals).toEqual(new Set([...readings, 'rating', 'cleaning_checkin', 'event']));
    expect(rated.length).toBeGreaterThan(20);
    for (const at of [...sent.map((m) => Date.parse(m.payload.ts)), ...rated.map((r) => r.at.getTime())]) {
      expect(at).toBeGreaterThanOrEqual(from);
      expect(at).toBeLessThanOrEqual(until.getTime());
    }
  });

  it('reads a people counter at its own interval while open and hourly at night, and says when a day is done', async () => {
    const { sent, progress } = await run;
    const counter = sent.find((m) => m.topic.endsWith('/people_count'))!.topic;
    const times = sent.filter((m) => m.topic === counter).map((m) => Date.parse(m.payload.ts));
    const gaps = times.slice(1).map((t, i) => (t - times[i]) / 60_000);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(65);
    expect(times.length).toBeGreaterThan(24 + 40);
    expect(progress).toEqual([until.toISOString()]);
  });
});

describe(SiteModel.name, () => {
  it('reports soap out to the kiosk: ratings sent while dispensers are empty are worse', () => {
    const spec = siteFactory({ timeZone: 'Europe/Stockholm' });
    const mean = (emptySoap: boolean) => {
      const sut = new SiteModel(spec, new Prng(9), new Date('2026-11-18T08:00:00Z'));
      const scores: number[] = [];
      // Keep the restrooms dry by emptying their soap every minute (as if the refills never came).
      for (let t = Date.parse('2026-11-18T08:01:00Z'); t <= Date.parse('2026-11-18T14:00:00Z'); t += 60_000) {
        if (emptySoap) for (const zone of sut.zones) zone.soap?.use(10_000, new Prng(1));
        else for (const zone of sut.zones) zone.soap?.refill();
        scores.push(...sut.advance(new Date(t)).filter((e) => e.signal === 'rating').map((e) => e.payload.score as number));
      }
      expect(scores.length).toBeGreaterThan(30);
      return scores.reduce((a, b) => a + b, 0) / scores.length;
    };
    expect(mean(true)).toBeLessThan(mean(false) - 0.8);
  });
});

describe(SimulatedClock.name, () => {
  it('runs faster than real time but never ahead of it when started in the past', () => {
    const real = Date.parse('2026-11-22T12:00:00Z');
    const sut = new SimulatedClock(real, real - 23 * 3_600_000, 144);
    expect(sut.at(real + 60_000).getTime()).toBe(real - 23 * 3_600_000 + 144 * 60_000);
    expect(sut.at(real + 3_600_000).getTime()).toBe(real + 3_600_000);
  });
});
