import { queueProbeVerdict, type QueueProbeResult } from './queue-probe-verdict';

const result = (overrides: Partial<QueueProbeResult> = {}): QueueProbeResult => ({
  roundTrip: true,
  sent: 1_500,
  received: 1_500,
  ...overrides,
});

describe(queueProbeVerdict.name, () => {
  it('finds a broker that delivers every queued message keeps all, duplicates or not', () => {
    expect(queueProbeVerdict(result())).toEqual({ kind: 'keeps-all' });
    expect(queueProbeVerdict(result({ received: 1_501 }))).toEqual({ kind: 'keeps-all' });
  });

  it.each([0, 1_000, 1_020, 1_499])('finds a broker that delivers %i of 1,500 drops, and says what to change', (received) => {
    const verdict = queueProbeVerdict(result({ received, brokerVersion: 'mosquitto version 2.0.11' }));
    expect(verdict).toMatchObject({ kind: 'drops', kept: received, sent: 1_500 });
    const warning = verdict.kind === 'drops' ? verdict.warning : '';
    expect(warning).toContain(`The MQTT broker (mosquitto version 2.0.11) kept only ${received} of 1500`);
    expect(warning).toContain('max_queued_messages');
    expect(warning).toContain('config/mosquitto/mosquitto.conf');
  });

  it('names no broker when it does not publish its version', () => {
    const verdict = queueProbeVerdict(result({ received: 10 }));
    expect(verdict.kind === 'drops' && verdict.warning).toMatch(/^The MQTT broker kept only 10 of 1500 /);
  });

  it('gives no verdict when the probe topic does not even round-trip', () => {
    expect(queueProbeVerdict(result({ roundTrip: false, received: 0 }))).toMatchObject({ kind: 'inconclusive' });
  });
});
