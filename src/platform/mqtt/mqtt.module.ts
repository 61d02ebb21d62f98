import { Global, Module, OnModuleInit } from '@nestjs/common';
import { DeadLettersRepository, deadLettersCounterProvider } from './dead-letters.repository';
import { MqttService } from './mqtt.service';

@Global()
@Module({ providers: [MqttService, DeadLettersRepository, deadLettersCounterProvider], exports: [MqttService, DeadLettersRepository] })
export class MqttModule implements OnModuleInit {
  constructor(private readonly mqtt: MqttService) {}

  async onModuleInit(): Promise<void> {
    await this.mqtt.start();
  }
}
