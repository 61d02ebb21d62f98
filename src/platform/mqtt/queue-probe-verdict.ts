/** What the broker-queue probe saw: see probeBrokerQueue in broker-queue-probe.ts. */
export interface QueueProbeResult {
  /** A message published to the probe topic while online came back; without that, no verdict (an ACL, say). */
  roundTrip: boolean;
  /** QoS 1 messages published while the probe's persistent session was offline. */
  sent: number;
  /** How many distinct ones of them the session delivered when the probe came back. */
  received: number;
  /** `$SYS/broker/version`, when the broker publishes it. */
  brokerVersion?: string;
}

export type QueueProbeVerdict =
  | { kind: 'keeps-all' }
  | { kind: 'drops'; kept: number; sent: number; warning: string }
  | { kind: 'inconclusive'; reason: string };

/** Whether the broker keeps every QoS 1 message queued for an offline persistent session, and the warning when it does not. */
export function queueProbeVerdict(result: QueueProbeResult): QueueProbeVerdict {
  if (!result.roundTrip) {
    return { kind: 'inconclusive', reason: 'a message published to the probe topic did not come back (does an ACL refuse it?)' };
  }
  if (result.received >= result.sent) return { kind: 'keeps-all' };
  const broker = result.brokerVersion ? `The MQTT broker (${result.brokerVersion})` : 'The MQTT broker';
  return {
    kind: 'drops',
    kept: result.received,
    sent: result.sent,
    warning:
      `${broker} kept only ${result.received} of ${result.sent} QoS 1 messages queued for an offline persistent session: ` +
      `with MQTT_CLIENT_ID set, readings published while this service restarts are lost past that. ` +
      `Mosquitto drops them past max_queued_messages (default 1000): ` +
      `raise it, and max_queued_bytes, as config/mosquitto/mosquitto.conf does.`,
  };
}
