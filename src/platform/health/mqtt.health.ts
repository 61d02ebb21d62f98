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
    return this.mqtt.connected ? indicator.up({ backlogBytes }) : indicator.down({ message: 'not connected to the MQTT broker', backlogBytes });
  }
}
