import { RELATIVE_TIME_LIMIT_S, resolvePack, signalOfName } from './senml';

const arrival = new Date('2026-11-23T08:00:00Z');
const epochS = arrival.getTime() / 1_000;

describe(resolvePack.name, () => {
  it('applies base name, time, unit and value, and lets a later record change them (RFC 8428 §4.6)', () => {
    const result = resolvePack(
      [
        { bn: 'urn:dev:xla:sto-3f:', bt: epochS, bu: 'Cel', bv: 20, n: 'temperature', v: 1.5 },
        { n: 'temperature', t: 60, v: 2 },
        { bn: 'urn:dev:xla:sto-3f-co2:', bu: 'ppm', bv: 0, n: 'co2', t: -30, v: 600 },
      ],
      arrival,
    );
    expect(result).toEqual({
      ok: true,
      records: [
        { name: 'urn:dev:xla:sto-3f:temperature', unit: 'Cel', value: { kind: 'number', value: 21.5 }, timeMs: arrival.getTime() },
        { name: 'urn:dev:xla:sto-3f:temperature', unit: 'Cel', value: { kind: 'number', value: 22 }, timeMs: arrival.getTime() + 60_000 },
        { name: 'urn:dev:xla:sto-3f-co2:co2', unit: 'ppm', value: { kind: 'number', value: 600 }, timeMs: arrival.getTime() - 30_000 },
      ],
    });
  });

  it('reads times below 2^28 s as relative to arrival, and fractional seconds to the millisecond', () => {
    const result = resolvePack([{ n: 'a', v: 1, t: -90.25 }, { n: 'b', v: 1 }, { n: 'c', v: 1, t: RELATIVE_TIME_LIMIT_S }], arrival);
    expect(result.ok && result.records.map((r) => r.timeMs)).toEqual([arrival.getTime() - 90_250, arrival.getTime(), RELATIVE_TIME_LIMIT_S * 1_000]);
  });

  it('takes a sum (with its base sum) when a record has no value field', () => {
    const result = resolvePack([{ n: 'people_count', bs: 1_000, s: 42 }], arrival);
    expect(result.ok && result.records[0]?.value).toEqual({ kind: 'sum', value: 1_042 });
  });

  it.each([
    [[], 'the SenML pack is empty'],
    [[42], 'record 1 of 1 is not a JSON object'],
    [[{ n: 'co2', v: '600' }], 'record 1 of 1: v must be a finite number'],
    [[{ n: 'co2', v: 600, u: 5 }], 'record 1 of 1: u must be a string'],
    [[{ n: 'leak', vb: 'yes' }], 'record 1 of 1: vb must be true or false'],
    [[{ n: 'co2', v: 600 }, { n: 'co2' }], 'record 2 of 2: no value (v, vb, vs or s)'],
    [[{ n: 'co2', v: 600, vs: 'x' }], 'record 1 of 1: more than one value field (v, vs)'],
    [[{ bver: 11, n: 'co2', v: 600 }], 'record 1 of 1: SenML version 11 is not supported (up to 10)'],
    [[{ n: 'co2', v: 600, crit_: true }], 'record 1 of 1: field "crit_" must be understood and is not supported'],
    [[{ n: 'co 2', v: 600 }], 'record 1 of 1: name "co 2" has characters SenML does not allow'],
    [[{ n: '-co2', v: 600 }], 'record 1 of 1: name "-co2" has characters SenML does not allow'],
    [[{ bv: 1e308, n: 'co2', v: 1e308 }], 'record 1 of 1: the value with its base is not a finite number'],
  ])('refuses %j: %s', (pack, detail) => {
    expect(resolvePack(pack, arrival)).toEqual({ ok: false, detail });
  });

  it('ignores fields it does not know that are not marked must-understand', () => {
    expect(resolvePack([{ n: 'co2', v: 600, rssi: -70 }], arrival).ok).toBe(true);
  });
});

describe(signalOfName.name, () => {
  it.each([
    ['urn:dev:xla:sto-3f-soap:soap_level', 'soap_level'],
    ['sto-3f/restroom/co2', 'co2'],
    ['urn:dev:mac:0024be/temperature', 'temperature'],
    ['humidity', 'humidity'],
    ['urn:dev:xla:sto-3f:', ''],
  ])('%s → %s', (name, signal) => {
    expect(signalOfName(name)).toBe(signal);
  });
});
