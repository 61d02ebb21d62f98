import { Global, Module, OnModuleInit } from '@nestjs/common';
import { DeadLettersRepository, deadLettersCounterProvider } from './dead-letters.repository';
import { MqttBacklog } from './mqtt-backlog';
import { MqttService } from './mqtt.service';

@Global()
@Module({ providers: [MqttService, MqttBacklog, DeadLettersRepository, deadLettersCounterProvider], exports: [MqttService, MqttBacklog, DeadLettersRepository] })
export class MqttModule implements OnModuleInit {
  constructor(private readonly mqtt: MqttService) {}

  async onModuleInit(): Promise<void> {
    await this.mqtt.start();
  }
}
