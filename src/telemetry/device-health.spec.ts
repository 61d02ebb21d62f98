import { HealthThrottle, healthUpdates } from './device-health';
import { ReadingBatch, type BatchReading } from './reading-batch';

const at = (iso: string) => Date.parse(iso);
const batchOf = (readings: BatchReading[]) => {
  const batch = new ReadingBatch();
  readings.forEach((r) => batch.push(r));
  return batch;
};

describe(healthUpdates.name, () => {
  it('gives one update per device: its latest arrival and its latest battery reading by reading time', () => {
    const updates = healthUpdates(batchOf([
      { deviceId: 'a', signal: 'soap_level', ts: at('2026-11-23T08:00:00Z'), value: 40, receivedAt: at('2026-11-23T08:00:01Z') },
      { deviceId: 'a', signal: 'battery', ts: at('2026-11-23T08:00:05Z'), value: 81, receivedAt: at('2026-11-23T08:00:06Z') },
      // Arrived later but measured earlier: it does not replace the newer battery level.
      { deviceId: 'a', signal: 'battery', ts: at('2026-11-23T07:59:00Z'), value: 90, receivedAt: at('2026-11-23T08:00:09Z') },
      { deviceId: 'b', signal: 'co2', ts: at('2026-11-23T08:00:00Z'), value: 600, receivedAt: at('2026-11-23T08:00:02Z') },
    ]));
    expect(updates).toEqual([
      { deviceId: 'a', lastSeenAt: at('2026-11-23T08:00:09Z'), battery: { value: 81, at: at('2026-11-23T08:00:05Z') } },
      { deviceId: 'b', lastSeenAt: at('2026-11-23T08:00:02Z') },
    ]);
  });

  it('gives nothing for no readings', () => {
    expect(healthUpdates(new ReadingBatch())).toEqual([]);
  });
});

describe(HealthThrottle.name, () => {
  const seen = (deviceId: string, lastSeenAt: number, battery?: number) => ({ deviceId, lastSeenAt, ...(battery === undefined ? {} : { battery: { value: battery, at: lastSeenAt } }) });

  it('writes a device first seen at once, then at most once per resolution', () => {
    const sut = new HealthThrottle(15_000);
    expect(sut.select([seen('a', 0)])).toEqual([seen('a', 0)]);
    expect(sut.select([seen('a', 10_000)])).toEqual([]);
    expect(sut.select([seen('a', 15_000), seen('b', 15_000)])).toEqual([seen('a', 15_000), seen('b', 15_000)]);
    expect(sut.select([seen('a', 29_999)])).toEqual([]);
  });

  it('never holds back a battery reading', () => {
    const sut = new HealthThrottle(15_000);
    sut.select([seen('a', 0)]);
    expect(sut.select([seen('a', 1_000, 77)])).toEqual([seen('a', 1_000, 77)]);
  });

  it('does not let an older arrival (a replay) move the mark back', () => {
    const sut = new HealthThrottle(15_000);
    sut.select([seen('a', 100_000)]);
    expect(sut.select([seen('a', 50_000)])).toEqual([]);
    expect(sut.select([seen('a', 110_000)])).toEqual([]);
    expect(sut.select([seen('a', 115_000)])).toEqual([seen('a', 115_000)]);
  });

  it('writes everything again after forget (a failed write)', () => {
    const sut = new HealthThrottle(15_000);
    sut.select([seen('a', 0)]);
    sut.forget();
    expect(sut.select([seen('a', 1)])).toEqual([seen('a', 1)]);
  });
});
