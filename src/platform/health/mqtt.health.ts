import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { MqttService } from '../mqtt/mqtt.service';

/** Whether the service is connected to its broker, and how devices are authenticated there (the backlog is under `ingest`). */
@Injectable()
export class MqttHealthIndicator {
  constructor(
    private readonly mqtt: MqttService,
    private readonly indicators: HealthIndicatorService,
  ) {}

  check(key: string) {
    const indicator = this.indicators.check(key);
    // MQTT_AUTH=off is said here, so no one runs a lab setting in production without seeing it.
    const access: Record<string, unknown> =
      this.mqtt.access.auth === 'off' ? { auth: 'off', warning: 'MQTT_AUTH=off: anyone who reaches the broker may publish anything' } : { ...this.mqtt.access };
    return this.mqtt.connected ? indicator.up(access) : indicator.down({ message: 'not connected to the MQTT broker', ...access });
  }
}
