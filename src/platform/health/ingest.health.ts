import { Injectable } from '@nestjs/common';
import { Clock } from '../clock';
import { MqttBacklog } from '../mqtt/mqtt-backlog';
import { MqttService } from '../mqtt/mqtt.service';

/** Older than this, an acknowledged message that is still not stored means intake is stuck. */
export const INGEST_STALL_SECONDS = 60;

export interface IngestHealth {
  status: 'up' | 'degraded';
  reasons: string[];
  backlogBytes: number;
  oldestUnstoredSeconds: number;
  retrying: Array<{ topic: string; since: string; attempts: number; error: string }>;
}

/** Whether MQTT intake moves: nothing acknowledged waits longer than a minute, and no subscriber is retrying a message. */
@Injectable()
export class IngestHealthIndicator {
  constructor(
    private readonly mqtt: MqttService,
    private readonly backlog: MqttBacklog,
    private readonly clock: Clock,
  ) {}

  check(): IngestHealth {
    const oldestUnstoredSeconds = Math.round(this.backlog.oldestAgeSeconds(this.clock.now().getTime()));
    const retrying = this.mqtt.retrying.map((r) => ({ topic: r.topic, since: new Date(r.since).toISOString(), attempts: r.attempts, error: r.error }));
    const reasons: string[] = [];
    if (oldestUnstoredSeconds > INGEST_STALL_SECONDS) reasons.push(`the oldest acknowledged message has waited ${oldestUnstoredSeconds} s to be stored`);
    if (retrying.length) reasons.push(`${retrying.length} message(s) are being retried by a subscriber`);
    return { status: reasons.length ? 'degraded' : 'up', reasons, backlogBytes: this.backlog.bytes(), oldestUnstoredSeconds, retrying };
  }
}
