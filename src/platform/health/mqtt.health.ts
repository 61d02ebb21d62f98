import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { MqttBacklog } from '../mqtt/mqtt-backlog';
import { MqttService } from '../mqtt/mqtt.service';

@Injectable()
export class MqttHealthIndicator {
  constructor(
    private readonly mqtt: MqttService,
    private readonly backlog: MqttBacklog,
    private readonly indicators: HealthIndicatorService,
  ) {}

  check(key: string) {
    const indicator = this.indicators.check(key);
    // The backlog (acknowledged, not yet in the database) is reported, not judged: it drains when the database is back.
    const backlogBytes = this.backlog.bytes();
    // MQTT_AUTH=off is said here, so no one runs a lab setting in production without seeing it.
    const access = this.mqtt.access.auth === 'off' ? { auth: 'off', warning: 'MQTT_AUTH=off: anyone who reaches the broker may publish anything' } : this.mqtt.access;
    return this.mqtt.connected ? indicator.up({ backlogBytes, ...access }) : indicator.down({ message: 'not connected to the MQTT broker', backlogBytes, ...access });
  }
}
