import { MqttBacklog } from '../mqtt/mqtt-backlog';
import type { HandlerRetry, MqttService } from '../mqtt/mqtt.service';
import { IngestHealthIndicator } from './ingest.health';

describe(IngestHealthIndicator.name, () => {
  const now = Date.UTC(2026, 11, 1, 9, 0, 0);
  const clock = { now: () => new Date(now) };
  const setup = (oldestAt: number | undefined, retrying: HandlerRetry[] = []) => {
    const backlog = new MqttBacklog();
    backlog.register('telemetry', { bytes: () => (oldestAt === undefined ? 0 : 4_096), oldestAt: () => oldestAt });
    return new IngestHealthIndicator({ retrying } as unknown as MqttService, backlog, clock);
  };

  it('is up with nothing waiting, and with a message waiting under a minute', () => {
    expect(setup(undefined).check()).toEqual({ status: 'up', reasons: [], backlogBytes: 0, oldestUnstoredSeconds: 0, retrying: [] });
    expect(setup(now - 59_000).check()).toMatchObject({ status: 'up', backlogBytes: 4_096, oldestUnstoredSeconds: 59 });
  });

  it('is degraded when the oldest acknowledged message has waited over a minute to be stored', () => {
    const sut = setup(now - 61_000);
    expect(sut.check()).toMatchObject({ status: 'degraded', oldestUnstoredSeconds: 61, reasons: [expect.stringContaining('61 s')] });
  });

  it('is degraded while a subscriber retries a message, and says which', () => {
    const sut = setup(undefined, [{ filter: 'xla/v1/+/+/+/rating', topic: 'xla/v1/a/b/c/rating', since: now - 5_000, attempts: 3, error: 'connect ECONNREFUSED' }]);
    expect(sut.check()).toMatchObject({
      status: 'degraded',
      retrying: [{ topic: 'xla/v1/a/b/c/rating', since: new Date(now - 5_000).toISOString(), attempts: 3, error: 'connect ECONNREFUSED' }],
    });
  });

  it('takes the oldest message across holders', () => {
    const backlog = new MqttBacklog();
    backlog.register('a', { bytes: () => 1, oldestAt: () => now - 10_000 });
    backlog.register('b', { bytes: () => 2, oldestAt: () => now - 90_000 });
    backlog.register('c', { bytes: () => 0, oldestAt: () => undefined });
    expect(backlog.oldestAgeSeconds(now)).toBe(90);
    expect(backlog.bytes()).toBe(3);
  });
});
