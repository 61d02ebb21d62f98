import { Injectable } from '@nestjs/common';

/** Acknowledged MQTT messages not yet stored, by whoever holds them; /health reports the sum. */
@Injectable()
export class MqttBacklog {
  private readonly sources = new Map<string, () => number>();

  register(name: string, bytes: () => number): void {
    this.sources.set(name, bytes);
  }

  bytes(): number {
    let total = 0;
    for (const read of this.sources.values()) total += read();
    return total;
  }
}
