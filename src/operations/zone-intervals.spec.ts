import fc from 'fast-check';
import { DEFAULT_COMFORT } from '../catalog/catalog.types';
import { comfortIntervals, heldValues, intersect, merge, occupiedIntervals, onlineIntervals, subtract, type ClimateSignal, type HeldReading, type Interval } from './zone-intervals';

const MIN = 60_000;
const day = { start: 0, end: 24 * 60 * MIN };
const m = (minutes: number) => minutes * MIN;
const span = (from: number, to: number): Interval => ({ start: m(from), end: m(to) });

describe('interval algebra', () => {
  it('merges overlapping and touching intervals, and drops empty ones', () => {
    expect(merge([span(30, 40), span(0, 10), span(10, 20), span(35, 50), span(60, 60)])).toEqual([span(0, 20), span(30, 50)]);
  });
  it('intersects and subtracts merged lists', () => {
    const a = [span(0, 30), span(40, 60)];
    const b = [span(10, 45), span(55, 70)];
    expect(intersect(a, b)).toEqual([span(10, 30), span(40, 45), span(55, 60)]);
    expect(subtract(a, b)).toEqual([span(0, 10), span(45, 55)]);
  });
});

describe(occupiedIntervals.name, () => {
  it('makes [t, t + 15 min) occupied for people counted at t, joining counts closer than that, ignoring reports of nobody', () => {
    const visits = [
      { at: m(600), count: 2 },
      { at: m(610), count: 1 },
      { at: m(700), count: 0 },
      { at: m(800), count: 5 },
    ];
    expect(occupiedIntervals(visits, true, day)).toEqual([span(600, 625), span(800, 815)]);
  });
  it('carries a count from just before the day into it, and cuts one at its end', () => {
    expect(occupiedIntervals([{ at: m(-5), count: 1 }, { at: m(1435), count: 1 }], true, day)).toEqual([span(0, 10), span(1435, 1440)]);
  });
  it('takes a zone that counts nobody as occupied throughout', () => {
    expect(occupiedIntervals([], false, day)).toEqual([day]);
  });
});

describe(heldValues.name, () => {
  const r = (minute: number, value: number, intervalS = 600): HeldReading => ({ at: m(minute), value, intervalS });
  it('holds each reading until the next one, and for at most three intervals', () => {
    expect(heldValues([r(60, 800), r(70, 900), r(200, 700)], day)).toEqual([
      { ...span(60, 70), value: 800 },
      { ...span(70, 100), value: 900 },
      { ...span(200, 230), value: 700 },
    ]);
  });
  it("takes the latest reading of the zone's devices, and falls back to an older one still valid when the latest expires", () => {
    // A slow sensor (hourly: valid 3 h) at 60 and a fast one (every 5 min: valid 15 min) at 90.
    expect(heldValues([r(60, 500, 3600), r(90, 1200, 300)], day)).toEqual([
      { ...span(60, 90), value: 500 },
      { ...span(90, 105), value: 1200 },
      { ...span(105, 240), value: 500 },
    ]);
  });
  it('carries the last reading before the day into it, and joins equal values', () => {
    expect(heldValues([r(-10, 21), r(10, 21)], day)).toEqual([{ ...span(0, 40), value: 21 }]);
  });
});

describe(comfortIntervals.name, () => {
  const at = (signal: ClimateSignal, minute: number, value: number) => ({ signal, at: m(minute), value, intervalS: 600 });
  it('knows comfort while either reading is valid, comfortable while every known one is in range (bounds included)', () => {
    const climate = [at('co2', 0, 1000), at('temperature', 10, 20), at('temperature', 20, 24.5), at('co2', 60, 1001), at('temperature', 120, 24)];
    expect(comfortIntervals(climate, DEFAULT_COMFORT, day)).toEqual({
      known: [span(0, 50), span(60, 90), span(120, 150)],
      comfortable: [span(0, 20), span(120, 150)],
      co2High: [span(60, 90)],
      temperatureOut: [span(20, 50)],
    });
  });
  it("uses the contract's thresholds", () => {
    const climate = [at('co2', 0, 1100), at('temperature', 0, 19)];
    expect(comfortIntervals(climate, { co2Max: 1200, temperature: [18, 22] }, day).comfortable).toEqual([span(0, 30)]);
    expect(comfortIntervals(climate, DEFAULT_COMFORT, day).comfortable).toEqual([]);
  });
  it('knows nothing without comfort sensors', () => {
    expect(comfortIntervals([], DEFAULT_COMFORT, day)).toEqual({ known: [], comfortable: [], co2High: [], temperatureOut: [] });
  });

  it('equals the reading of every second, sample-and-hold, by brute force', () => {
    const reading = fc.record({
      signal: fc.constantFrom<ClimateSignal>('co2', 'temperature'),
      at: fc.integer({ min: -100, max: 600 }).map((s) => s * 1000),
      value: fc.oneof(fc.integer({ min: 400, max: 1400 }), fc.integer({ min: 16, max: 28 })),
      intervalS: fc.integer({ min: 1, max: 60 }),
    });
    const range = { start: 0, end: 600_000 };
    fc.assert(
      fc.property(fc.array(reading, { maxLength: 25 }), (climate) => {
        const got = comfortIntervals(climate, DEFAULT_COMFORT, range);
        let known = 0;
        let comfortable = 0;
        let co2High = 0;
        let temperatureOut = 0;
        for (let x = range.start; x < range.end; x += 1000) {
          const latest = (signal: ClimateSignal) =>
            climate
              .filter((c) => c.signal === signal && c.at <= x && x < c.at + 3 * c.intervalS * 1000)
              .sort((a, b) => a.at - b.at || a.value - b.value)
              .pop()?.value;
          const [co2, temperature] = [latest('co2'), latest('temperature')];
          if (co2 !== undefined && co2 > 1000) co2High += 1000;
          if (temperature !== undefined && (temperature < 20 || temperature > 24)) temperatureOut += 1000;
          if (co2 === undefined && temperature === undefined) continue;
          known += 1000;
          if ((co2 === undefined || co2 <= 1000) && (temperature === undefined || (temperature >= 20 && temperature <= 24))) comfortable += 1000;
        }
        const length = (list: Interval[]) => list.reduce((n, i) => n + i.end - i.start, 0);
        expect([length(got.known), length(got.comfortable), length(got.co2High), length(got.temperatureOut)]).toEqual([known, comfortable, co2High, temperatureOut]);
      }),
    );
  });
});

describe(onlineIntervals.name, () => {
  it('makes a device online for three intervals from each reading, the minutes it was heard in joined', () => {
    const heard = [
      { first: m(0), last: m(0) },
      { first: m(10), last: m(10) + 45_000 },
      { first: m(60), last: m(60) },
    ];
    expect(onlineIntervals({ intervalS: 300, heard }, day)).toEqual([{ start: 0, end: m(25) + 45_000 }, span(60, 75)]);
  });
  it('carries a reading from before the day into it, and cuts the last one at its end', () => {
    expect(onlineIntervals({ intervalS: 3600, heard: [{ first: m(-120), last: m(-120) }, { first: m(1400), last: m(1400) }] }, day)).toEqual([span(0, 60), span(1400, 1440)]);
  });
});
