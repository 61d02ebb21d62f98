import fc from 'fast-check';
import { DEFAULT_MAX_FUTURE_MS, decodeMessage, MAX_PAYLOAD_BYTES, parseIso8601, REJECT_REASONS, type DecodeContext, type Decoded } from './decoder';
import { SIGNAL_SPECS, TELEMETRY_SIGNALS, type TelemetrySignal } from './signals';

const arrival = new Date('2026-11-23T08:00:00Z');
const HOUR = 3_600_000;
const ctx: DecodeContext = { prefix: 'xla/v1', receivedAt: arrival, maxAgeMs: 24 * HOUR };
const device = { siteKey: 'sto-hq', zoneKey: 'restroom-3f', deviceKey: 'sensor-7' };
const topic = (level: string) => `xla/v1/sto-hq/restroom-3f/sensor-7/${level}`;
const bytes = (payload: unknown) => new TextEncoder().encode(typeof payload === 'string' ? payload : JSON.stringify(payload));
const sut = (level: string, payload: unknown, context: DecodeContext = ctx) => decodeMessage(topic(level), bytes(payload), context);
const ago = (ms: number) => new Date(arrival.getTime() - ms);

describe(decodeMessage.name, () => {
  describe('the JSON and bare forms', () => {
    it('reads {"value", "ts"} with an ISO 8601 time', () => {
      expect(sut('co2', { value: 612, ts: '2026-11-23T07:59:00Z' })).toEqual({ ok: true, device, readings: [{ signal: 'co2', value: 612, ts: ago(60_000) }] });
    });

    it('reads an ISO 8601 time with an offset and fractional seconds', () => {
      const decoded = sut('temperature', { value: 21.5, ts: '2026-11-23T08:59:30.250+01:00' });
      expect(decoded.ok && decoded.readings[0]?.ts).toEqual(ago(29_750));
    });

    it('reads a time in epoch milliseconds', () => {
      const decoded = sut('humidity', { value: 40, ts: arrival.getTime() - 5_000 });
      expect(decoded.ok && decoded.readings[0]?.ts).toEqual(ago(5_000));
    });

    it('takes the arrival time when ts is absent or null, and for a bare number', () => {
      for (const payload of [{ value: 55 }, { value: 55, ts: null }, '55', ' 55\n']) {
        expect(sut('bin_fill', payload)).toEqual({ ok: true, device, readings: [{ signal: 'bin_fill', value: 55, ts: arrival }] });
      }
    });

    it('reads a leak as true/false, bare or in value, and as 0/1', () => {
      const values = ['true', 'false', { value: true }, { value: 0 }, 1].map((p) => {
        const decoded = sut('leak', p);
        return decoded.ok ? decoded.readings[0]?.value : decoded.detail;
      });
      expect(values).toEqual([1, 0, 1, 0, 1]);
    });

    it('reads a cleaning check-in as 1 with its staff tag, trimmed', () => {
      expect(sut('cleaning_checkin', { tag: ' anna.k ', ts: '2026-11-23T07:30:00Z' })).toEqual({
        ok: true,
        device,
        readings: [{ signal: 'cleaning_checkin', value: 1, ts: ago(30 * 60_000), tag: 'anna.k' }],
      });
    });

    it('leaves the tag off every other signal', () => {
      const decoded = sut('soap_level', { value: 80, tag: 'anna' });
      expect(decoded.ok && decoded.readings[0]).toEqual({ signal: 'soap_level', value: 80, ts: arrival });
    });

    it('takes a topic prefix with a trailing slash, and an empty one', () => {
      expect(decodeMessage(topic('co2'), bytes(600), { ...ctx, prefix: 'xla/v1/' }).ok).toBe(true);
      expect(decodeMessage('sto-hq/restroom-3f/sensor-7/co2', bytes(600), { ...ctx, prefix: '' }).ok).toBe(true);
      expect(decodeMessage('acme/telemetry/sto-hq/restroom-3f/sensor-7/co2', bytes(600), { ...ctx, prefix: 'acme/telemetry' }).ok).toBe(true);
    });
  });

  describe('unit conversions', () => {
    it.each([
      ['temperature', 295.15, 'K', 22],
      ['temperature', 71.6, 'degF', 22],
      ['temperature', 22, 'Cel', 22],
      ['humidity', 0.45, '/', 45],
      ['humidity', 45, '%RH', 45],
      ['soap_level', 0.8, '/', 80],
      ['battery', 87, '%EL', 87],
      ['battery', 87, '%', 87],
      ['tvoc', 0.25, 'ppm', 250],
      ['tvoc', 250, 'ppb', 250],
      ['noise_db', 5.5, 'Bspl', 55],
      ['noise_db', 55, 'dBA', 55],
      ['pm2_5', 12, 'ug/m3', 12],
      ['people_count', 12, 'count', 12],
      ['co2', 600, '', 600],
    ] as const)('%s: %d %s → %d', (signal, value, unit, expected) => {
      const decoded = sut(signal, { value, unit });
      expect(decoded.ok && decoded.readings[0]?.value).toBe(expected);
    });

    it.each([
      ['co2', 'Cel', 'co2: unit "Cel" is not accepted; expected ppm'],
      ['battery', 'V', 'battery: unit "V" is not accepted; expected %, /, %EL'],
      ['leak', 'count', 'leak: unit "count" is not accepted; leak takes no unit'],
      ['pm2_5', 'constructor', 'pm2_5: unit "constructor" is not accepted; expected ug/m3'],
    ] as const)('refuses %s in %s', (signal, unit, detail) => {
      expect(sut(signal, { value: 1, unit })).toEqual({ ok: false, reason: 'bad_unit', detail, device });
    });

    it('names the unit as sent and as converted when out of range', () => {
      expect(sut('temperature', { value: 400, unit: 'K' })).toMatchObject({ reason: 'out_of_range', detail: 'temperature: 400 K (126.85 °C) is outside -40–85 °C' });
    });
  });

  describe('SenML packs', () => {
    const bt = arrival.getTime() / 1_000;

    it('reads a pack with base name, base time, base unit and several records on the senml topic', () => {
      const pack = [
        { bn: 'urn:dev:xla:sto-3f-env:', bt: bt - 120, bu: 'Cel', bver: 10, n: 'temperature', v: 21.5 },
        { n: 'temperature', t: 60, v: 21.75 },
        { n: 'humidity', u: '%RH', t: 60, v: 44 },
        { n: 'co2', u: 'ppm', t: 60, v: 640 },
      ];
      expect(sut('senml', pack)).toEqual({
        ok: true,
        device,
        readings: [
          { signal: 'temperature', value: 21.5, ts: ago(120_000) },
          { signal: 'temperature', value: 21.75, ts: ago(60_000) },
          { signal: 'humidity', value: 44, ts: ago(60_000) },
          { signal: 'co2', value: 640, ts: ago(60_000) },
        ],
      });
    });

    it('resolves the signal from base name plus name', () => {
      const decoded = sut('senml', [{ bn: 'urn:dev:xla:sto-3f-soap:', n: 'soap_level', v: 35, u: '%' }]);
      expect(decoded.ok && decoded.readings).toEqual([{ signal: 'soap_level', value: 35, ts: arrival }]);
    });

    it('reads relative times (below 2^28 s) from arrival', () => {
      const decoded = sut('senml', [{ bn: 'dev/', n: 'paper_level', v: 20, t: -300.5 }]);
      expect(decoded.ok && decoded.readings[0]?.ts).toEqual(ago(300_500));
    });

    it('reads leak from vb, a check-in tag from vs and a running count from a sum', () => {
      const decoded = sut('senml', [
        { bn: 'urn:dev:xla:door-1:', n: 'leak', vb: true },
        { n: 'cleaning_checkin', vs: 'badge-0042' },
        { n: 'people_count', bs: 10_000, s: 42 },
        { n: 'visits', v: 3, u: 'count' },
      ]);
      expect(decoded.ok && decoded.readings).toEqual([
        { signal: 'leak', value: 1, ts: arrival },
        { signal: 'cleaning_checkin', value: 1, ts: arrival, tag: 'badge-0042' },
        { signal: 'people_count', value: 10_042, ts: arrival },
        { signal: 'visits', value: 3, ts: arrival },
      ]);
    });

    it('takes a pack on a signal topic, whose records name that signal or none', () => {
      const decoded = sut('co2', [{ bn: 'urn:dev:xla:sto-3f:', bt: bt - 60, v: 600 }, { n: 'co2', t: 30, v: 610 }]);
      expect(decoded.ok && decoded.readings.map((r) => r.value)).toEqual([600, 610]);
    });

    it('refuses a record of another signal on a signal topic', () => {
      expect(sut('co2', [{ n: 'temperature', v: 21 }])).toMatchObject({ reason: 'malformed', detail: expect.stringContaining('is temperature on the co2 topic') });
    });

    it('refuses the whole pack for one bad record, with that record', () => {
      const pack = [
        { bn: 'urn:dev:xla:sto-3f:', n: 'co2', v: 600 },
        { n: 'co2', v: 90_000, t: -10 },
        { n: 'humidity', v: 500 },
      ];
      expect(sut('senml', pack)).toEqual({ ok: false, reason: 'out_of_range', detail: 'record 2 of 3: co2: 90000 ppm is outside 250–10000 ppm', device });
    });

    it('refuses two readings of one signal at one time in a pack', () => {
      expect(sut('senml', [{ n: 'co2', v: 600 }, { n: 'co2', v: 610 }])).toMatchObject({ reason: 'malformed', detail: expect.stringContaining('record 2 of 2: a second co2 reading') });
    });

    it.each([
      [[{ n: 'urn:dev:xla:sto-3f:', v: 1 }], 'unknown_signal'],
      [[{ n: 'urn:dev:xla:sto-3f:co3', v: 1 }], 'unknown_signal'],
      [[{ n: 'co2', vs: '600' }], 'malformed'],
      [[{ n: 'co2', s: 600 }], 'malformed'],
      [[{ n: 'co2', vb: true }], 'malformed'],
      [[{ n: 'co2', vd: 'AAEC' }], 'malformed'],
      [[{ n: 'cleaning_checkin', v: 1 }], 'malformed'],
      [[{ n: 'cleaning_checkin', vs: '' }], 'malformed'],
      [[{ n: 'co2', v: 600, u: 'ppb' }], 'bad_unit'],
      [[{ bver: 11, n: 'co2', v: 600 }], 'malformed'],
      [[{ n: 'co2', v: 600, t: 3_600 }], 'future_timestamp'],
      [[{ n: 'co2', v: 600, bt: 1_000_000_000 }], 'stale_timestamp'],
    ])('refuses %j as %s', (pack, reason) => {
      expect(sut('senml', pack)).toMatchObject({ ok: false, reason, device });
    });

    it('takes only a pack on the senml topic', () => {
      expect(sut('senml', { value: 1 })).toMatchObject({ reason: 'malformed', detail: 'the senml topic takes a SenML pack (a JSON array of records)' });
    });
  });

  describe('time rules', () => {
    const at = (ts: unknown, maxFutureMs?: number) => sut('co2', { value: 600, ts }, { ...ctx, maxFutureMs });

    it('accepts clock skew up to 30 s ahead of arrival, and refuses beyond', () => {
      expect(at(arrival.getTime() + DEFAULT_MAX_FUTURE_MS).ok).toBe(true);
      expect(at(arrival.getTime() + DEFAULT_MAX_FUTURE_MS + 1)).toMatchObject({ reason: 'future_timestamp', detail: 'ts 2026-11-23T08:00:30.001Z is 30 s ahead of arrival; clock skew up to 30 s is accepted' });
    });

    it('uses the configured skew', () => {
      expect(at('2026-11-23T08:05:00Z', 10 * 60_000).ok).toBe(true);
      expect(at('2026-11-23T08:05:00Z', 60_000).ok).toBe(false);
    });

    it('accepts readings up to maxAgeMs old, and refuses older ones', () => {
      expect(at(arrival.getTime() - 24 * HOUR).ok).toBe(true);
      expect(at('2026-11-22T07:00:00Z')).toMatchObject({ reason: 'stale_timestamp', detail: 'ts 2026-11-22T07:00:00.000Z is 25 h old at arrival; at most 24 h is accepted' });
    });

    it('hints at epoch seconds sent where milliseconds are due', () => {
      expect(at(arrival.getTime() / 1_000)).toMatchObject({ reason: 'stale_timestamp', detail: expect.stringContaining('epoch seconds where milliseconds were due?') });
    });

    it('hints at milliseconds sent as SenML seconds', () => {
      expect(sut('senml', [{ n: 'co2', v: 600, bt: arrival.getTime() }])).toMatchObject({ reason: 'future_timestamp', detail: expect.stringContaining('SenML times are seconds') });
    });

    it.each(['2026-11-23T08:00:00', '2026-11-23', '2026-02-30T08:00:00Z', '2026-11-23T24:00:00Z', '23/11/2026 08:00', 'yesterday'])('refuses ts %j as malformed', (ts) => {
      expect(at(ts)).toMatchObject({ reason: 'malformed', detail: expect.stringContaining('is not an ISO 8601 time with a zone') });
    });

    it('refuses a ts that is neither a string nor a number, or beyond what a Date holds', () => {
      expect(at({ when: 'now' })).toMatchObject({ reason: 'malformed', detail: 'ts must be an ISO 8601 string or epoch milliseconds' });
      expect(at(1e300)).toMatchObject({ reason: 'malformed', detail: 'ts 1e+300 is not a time in epoch milliseconds' });
    });
  });

  describe('reject reasons', () => {
    it.each([
      ['xla/v2/sto-hq/restroom-3f/sensor-7/co2', 'expected xla/v1/{siteKey}/{zoneKey}/{deviceKey}/{signal}, got "xla/v2/sto-hq/restroom-3f/sensor-7/co2"'],
      ['xla/v1/sto-hq/restroom-3f/co2', 'expected xla/v1/{siteKey}/{zoneKey}/{deviceKey}/{signal}, got "xla/v1/sto-hq/restroom-3f/co2"'],
      ['xla/v1/sto-hq/restroom-3f/sensor-7/co2/extra', 'expected xla/v1/{siteKey}/{zoneKey}/{deviceKey}/{signal}, got "xla/v1/sto-hq/restroom-3f/sensor-7/co2/extra"'],
      ['xla/v1/sto-hq/Restroom-3F/sensor-7/co2', '"Restroom-3F" is not a key (lower-case letters, digits and single dashes); expected xla/v1/{siteKey}/{zoneKey}/{deviceKey}/{signal}, got "xla/v1/sto-hq/Restroom-3F/sensor-7/co2"'],
      ['xla/v1/sto-hq/+/sensor-7/co2', '"+" is not a key (lower-case letters, digits and single dashes); expected xla/v1/{siteKey}/{zoneKey}/{deviceKey}/{signal}, got "xla/v1/sto-hq/+/sensor-7/co2"'],
      ['xla/v1/sto-hq/restroom-3f/sensor-7/', 'expected xla/v1/{siteKey}/{zoneKey}/{deviceKey}/{signal}, got "xla/v1/sto-hq/restroom-3f/sensor-7/"'],
    ])('bad_topic: %s', (badTopic, detail) => {
      expect(decodeMessage(badTopic, bytes(600), ctx)).toEqual({ ok: false, reason: 'bad_topic', detail });
    });

    it.each([
      ['humidty', 'unknown signal "humidty"; expected one of people_count, visits, soap_level, paper_level, bin_fill, co2, temperature, humidity, pm2_5, tvoc, noise_db, battery, leak, cleaning_checkin'],
      ['rating', 'rating is not a telemetry signal (ratings go to the feedback module)'],
    ])('unknown_signal: topic level %s, with the device', (level, detail) => {
      expect(sut(level, 1)).toEqual({ ok: false, reason: 'unknown_signal', detail, device });
    });

    it.each([
      ['not UTF-8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), 'the payload is not UTF-8 text'],
      ['empty', new Uint8Array(), 'the payload is empty'],
      ['not JSON', bytes('{value: 42}'), 'the payload is not JSON: "{value: 42}"'],
      ['too large', new Uint8Array(MAX_PAYLOAD_BYTES + 1).fill(0x20), `the payload is ${MAX_PAYLOAD_BYTES + 1} bytes; at most ${MAX_PAYLOAD_BYTES} are accepted`],
      ['a string', bytes('"600"'), 'expected a number or {"value": …, "ts": …}'],
      ['null', bytes('null'), 'expected a number or {"value": …, "ts": …}'],
      ['a string value', bytes({ value: '600' }), 'co2: value must be a number'],
      ['no value', bytes({ ts: '2026-11-23T08:00:00Z' }), 'co2: value is missing; expected a number or {"value": …, "ts": …}'],
      ['a boolean', bytes('true'), 'co2 takes a number or {"value": …, "ts": …}, got true'],
      ['a number too large for a double', bytes('1e999'), 'co2: value is not a finite number'],
      ['a unit that is not a string', bytes({ value: 600, unit: 1 }), 'unit must be a string'],
    ])('malformed: %s', (_, payload, detail) => {
      expect(decodeMessage(topic('co2'), payload, ctx)).toEqual({ ok: false, reason: 'malformed', detail, device });
    });

    it.each([
      ['cleaning_checkin', {}, 'cleaning_checkin needs the staff tag'],
      ['cleaning_checkin', { tag: '   ' }, 'cleaning_checkin needs the staff tag'],
      ['cleaning_checkin', { tag: 'x'.repeat(65) }, 'cleaning_checkin: the staff tag is longer than 64 characters'],
      ['cleaning_checkin', { tag: 7 }, 'tag must be a string'],
      ['leak', { value: 'wet' }, 'leak: value must be true, false, 0 or 1'],
    ])('malformed: %s %j', (level, payload, detail) => {
      expect(sut(level, payload)).toEqual({ ok: false, reason: 'malformed', detail, device });
    });

    it.each([
      ['co2', 90_000, 'co2: 90000 ppm is outside 250–10000 ppm'],
      ['co2', 0, 'co2: 0 ppm is outside 250–10000 ppm'],
      ['soap_level', 120, 'soap_level: 120 % is outside 0–100 %'],
      ['temperature', -55, 'temperature: -55 °C is outside -40–85 °C'],
      ['people_count', -1, 'people_count: -1 is outside 0–4294967295'],
      ['people_count', 2 ** 32, 'people_count: 4294967296 is outside 0–4294967295'],
      ['people_count', 41.5, 'people_count: 41.5 is not a whole number'],
      ['leak', 2, 'leak: 2 is outside 0–1'],
      ['noise_db', 150, 'noise_db: 150 dB is outside 0–140 dB'],
    ])('out_of_range: %s %d', (level, value, detail) => {
      expect(sut(level, { value, ...(level === 'cleaning_checkin' ? { tag: 'a' } : {}) })).toEqual({ ok: false, reason: 'out_of_range', detail, device });
    });
  });

  describe('properties', () => {
    const anyTopic = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom(...TELEMETRY_SIGNALS, 'senml', 'rating', '').map(topic));
    const levels = fc.constantFrom(...TELEMETRY_SIGNALS, 'senml', 'rating', 'event');
    const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 2 });
    // Mostly plausible parts with a share of wrong ones, so runs get past the first check.
    const units = fc.oneof(
      { weight: 3, arbitrary: fc.constant(undefined) },
      { weight: 3, arbitrary: fc.constantFrom('%', '/', '%RH', '%EL', 'Cel', 'K', 'degF', 'ppm', 'ppb', 'ug/m3', 'dB', 'dBA', 'Bspl', 'count') },
      { weight: 1, arbitrary: fc.oneof(fc.constantFrom('', 'V', '__proto__', 'constructor'), fc.string()) },
    );
    const numbers = fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: -50, max: 12_000 }) },
      { weight: 2, arbitrary: fc.double({ min: -50, max: 200, noNaN: true }) },
      { weight: 1, arbitrary: fc.oneof(fc.double(), fc.integer(), fc.constantFrom(0, 1, 2 ** 32 - 1, 2 ** 32, -0, 1e308)) },
    );
    const times = fc.oneof(
      { weight: 3, arbitrary: fc.constant(undefined) },
      { weight: 3, arbitrary: fc.integer({ min: arrival.getTime() - 30 * HOUR, max: arrival.getTime() + 60_000 }) },
      { weight: 2, arbitrary: fc.date({ min: ago(30 * HOUR), max: ago(-60_000), noInvalidDate: true }).map((d) => d.toISOString()) },
      { weight: 1, arbitrary: fc.oneof(fc.constantFrom(null, '2026-11-23T08:00:00+01:00', '2026-11-23T08:00:00', '2026-02-30T08:00:00Z', 'now'), fc.double(), fc.string()) },
    );
    const tags = fc.oneof(fc.stringMatching(/^[a-z0-9.-]{1,64}$/), fc.string(), fc.constantFrom('', '  ', 'x'.repeat(65)));
    /** A wrong type, an unknown field or a must-understand one, mixed into an otherwise good object. */
    const noise = fc.dictionary(fc.constantFrom('v', 'vb', 'vs', 'vd', 's', 't', 'bt', 'n', 'bn', 'u', 'bu', 'bver', 'crit_', 'rssi', '__proto__', 'value', 'ts', 'unit', 'tag'), fc.jsonValue(), { minKeys: 1, maxKeys: 2 });
    const singleObject = fc.record(
      { value: fc.oneof({ weight: 5, arbitrary: numbers }, { weight: 1, arbitrary: fc.boolean() }, { weight: 1, arbitrary: fc.constantFrom(undefined, null, '42') }), ts: times, unit: units, tag: opt(tags) },
      { requiredKeys: ['value'] },
    );
    const singles = fc.oneof(
      { weight: 2, arbitrary: numbers },
      { weight: 1, arbitrary: fc.boolean() },
      { weight: 6, arbitrary: singleObject },
      { weight: 1, arbitrary: fc.tuple(singleObject, noise).map(([o, n]) => ({ ...o, ...n })) },
      { weight: 1, arbitrary: fc.jsonValue() },
    );

    const senmlTime = fc.oneof(fc.integer({ min: -100_000, max: 1_000 }), fc.double({ min: -100, max: 100, noNaN: true }));
    const anyValueField = fc.oneof(
      { weight: 6, arbitrary: numbers.map((v) => ({ v })) },
      { weight: 1, arbitrary: fc.boolean().map((vb) => ({ vb })) },
      { weight: 1, arbitrary: tags.map((vs) => ({ vs })) },
      { weight: 1, arbitrary: numbers.map((s) => ({ s })) },
    );
    const valueFieldFor = (n: string | undefined): fc.Arbitrary<Record<string, unknown>> => {
      if (n === 'cleaning_checkin') return tags.map((vs) => ({ vs }));
      if (n === 'leak') return fc.boolean().map((vb) => ({ vb }));
      if (n === 'people_count') return fc.oneof(numbers.map((v) => ({ v })), numbers.map((s) => ({ s })));
      return numbers.map((v) => ({ v }));
    };
    const names = fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...TELEMETRY_SIGNALS) }, { weight: 1, arbitrary: fc.constantFrom(undefined, 'rating', '', 'co3', 'bad name') });
    const goodRecord = names.chain((n) =>
      fc
        .tuple(
          fc.record(
            {
              bn: opt(fc.constantFrom('urn:dev:xla:sto-3f:', 'dev/', 'urn:dev:mac:0024be')),
              bt: opt(fc.oneof(senmlTime, fc.constant(arrival.getTime() / 1_000))),
              t: opt(senmlTime),
              u: opt(units),
              bv: opt(numbers),
              bs: opt(numbers),
              bver: fc.oneof({ weight: 10, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(10, 11) }),
            },
            { requiredKeys: [] },
          ),
          fc.oneof({ weight: 6, arbitrary: valueFieldFor(n) }, { weight: 1, arbitrary: anyValueField }),
        )
        // Through JSON and back, as a device would send it (NaN becomes null, undefined goes).
        .map(([r, v]) => JSON.parse(JSON.stringify({ ...r, n, ...v })) as Record<string, unknown>),
    );
    const record = fc.oneof({ weight: 16, arbitrary: goodRecord }, { weight: 1, arbitrary: fc.tuple(goodRecord, noise).map(([r, n]) => ({ ...r, ...n })) }, { weight: 1, arbitrary: fc.jsonValue() });
    // Records a minute apart unless they say otherwise, so one signal does not repeat a time by accident.
    const packs = fc
      .array(record, { minLength: 1, maxLength: 4 })
      .map((rs) => rs.map((r, i) => (typeof r === 'object' && r !== null && !Array.isArray(r) && !('t' in r) ? { ...r, t: -60 * i } : r)));
    const packLevels = fc.oneof({ weight: 3, arbitrary: fc.constant('senml') }, { weight: 1, arbitrary: levels });

    /** The invariant every result keeps: a valid reading, or one reason from the list with a one-line detail. */
    function expectWellFormed(decoded: Decoded, context: DecodeContext = ctx) {
      if (decoded.ok) {
        expect(decoded.readings.length).toBeGreaterThan(0);
        for (const r of decoded.readings) {
          const spec = SIGNAL_SPECS[r.signal];
          expect(r.value).toBeGreaterThanOrEqual(spec.min);
          expect(r.value).toBeLessThanOrEqual(spec.max);
          if (spec.integer) expect(Number.isInteger(r.value)).toBe(true);
          const age = context.receivedAt.getTime() - r.ts.getTime();
          expect(age).toBeLessThanOrEqual(context.maxAgeMs);
          expect(-age).toBeLessThanOrEqual(context.maxFutureMs ?? DEFAULT_MAX_FUTURE_MS);
          expect(r.signal === 'cleaning_checkin').toBe(typeof r.tag === 'string' && r.tag.length > 0);
        }
      } else {
        expect(REJECT_REASONS).toContain(decoded.reason);
        expect(decoded.detail).toMatch(/^[^\n\r]+$/);
        expect(decoded.detail).not.toMatch(/^could not decode/);
      }
    }

    it('never throws on arbitrary bytes and topics', () => {
      fc.assert(
        fc.property(anyTopic, fc.uint8Array({ maxLength: 200 }), (t, payload) => {
          expectWellFormed(decodeMessage(t, payload, ctx));
        }),
        { numRuns: 2_000 },
      );
    });

    it('never throws on near-valid JSON payloads', () => {
      fc.assert(
        fc.property(levels, singles, (level, payload) => {
          expectWellFormed(decodeMessage(topic(level), bytes(JSON.stringify(payload)), ctx));
        }),
        { numRuns: 2_000 },
      );
    });

    it('never throws on near-valid SenML packs', () => {
      fc.assert(
        fc.property(packLevels, packs, (level, pack) => {
          expectWellFormed(decodeMessage(topic(level), bytes(pack), ctx));
        }),
        { numRuns: 2_000 },
      );
    });

    it('reaches every reject reason and success with those generators, so the properties test more than the first check', () => {
      const seen = new Set<string>();
      const sample = (level: fc.Arbitrary<string>, payload: fc.Arbitrary<unknown>) => {
        for (const [l, p] of fc.sample(fc.tuple(level, payload), { numRuns: 2_000, seed: 4 })) {
          const decoded = decodeMessage(topic(l), bytes(JSON.stringify(p)), ctx);
          seen.add(decoded.ok ? 'ok' : decoded.reason);
        }
      };
      sample(levels, singles);
      sample(packLevels, packs);
      expect([...seen].sort()).toEqual([...REJECT_REASONS.filter((r) => r !== 'bad_topic'), 'ok'].sort());
    });

    const inRange = (signal: TelemetrySignal) => {
      const spec = SIGNAL_SPECS[signal];
      return spec.integer ? fc.integer({ min: spec.min, max: spec.max }) : fc.double({ min: spec.min, max: spec.max, noNaN: true, noDefaultInfinity: true });
    };
    const plausible = fc.constantFrom(...TELEMETRY_SIGNALS).chain((signal) => inRange(signal).map((value) => ({ signal, value })));
    const staffTag = fc.stringMatching(/^[a-z0-9.-]{1,64}$/);

    it('gives back every plausible reading it is sent, as JSON and as SenML', () => {
      fc.assert(
        fc.property(plausible, fc.integer({ min: -DEFAULT_MAX_FUTURE_MS, max: ctx.maxAgeMs }), staffTag, ({ signal, value }, ageMs, tag) => {
          const ts = ago(ageMs);
          const expected = signal === 'cleaning_checkin' ? { signal, value: 1, ts, tag } : { signal, value: Object.is(value, -0) ? 0 : value, ts };
          const json = sut(signal, signal === 'cleaning_checkin' ? { tag, ts: ts.toISOString() } : { value, ts: ts.getTime() });
          const senml = sut('senml', [{ bn: 'urn:dev:xla:sto-3f:', bt: ts.getTime() / 1_000, n: signal, ...(signal === 'cleaning_checkin' ? { vs: tag } : { v: value }) }]);
          expect(json).toEqual({ ok: true, device, readings: [expected] });
          expect(senml).toEqual({ ok: true, device, readings: [expected] });
        }),
        { numRuns: 1_000 },
      );
    });

    it('refuses every implausible value as out_of_range', () => {
      const outside = fc.constantFrom(...TELEMETRY_SIGNALS.filter((s) => s !== 'cleaning_checkin')).chain((signal) => {
        const spec = SIGNAL_SPECS[signal];
        const below = fc.double({ max: spec.min, maxExcluded: true, noNaN: true, noDefaultInfinity: true }).filter((v) => !Object.is(v, -0));
        const above = fc.double({ min: spec.max, minExcluded: true, noNaN: true, noDefaultInfinity: true });
        return fc.record({ signal: fc.constant(signal), value: fc.oneof(below, above) });
      });
      fc.assert(
        fc.property(outside, ({ signal, value }) => {
          expect(sut(signal, { value })).toMatchObject({ ok: false, reason: 'out_of_range', device });
        }),
      );
    });
  });
});

describe(parseIso8601.name, () => {
  it('agrees with Date.parse on every valid UTC time', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), (d) => {
        expect(parseIso8601(d.toISOString())).toBe(d.getTime());
      }),
    );
  });

  it('applies the zone offset', () => {
    expect(parseIso8601('2026-03-29T03:30:00+02:00')).toBe(Date.parse('2026-03-29T01:30:00Z'));
    expect(parseIso8601('2026-11-23T03:30:00-05:30')).toBe(Date.parse('2026-11-23T09:00:00Z'));
    expect(parseIso8601('2026-11-23t08:00z')).toBe(Date.parse('2026-11-23T08:00:00Z'));
  });
});
