import { Global, Module, OnModuleInit } from '@nestjs/common';
import { MqttService } from './mqtt.service';

@Global()
@Module({ providers: [MqttService], exports: [MqttService] })
export class MqttModule implements OnModuleInit {
  constructor(private readonly mqtt: MqttService) {}

  async onModuleInit(): Promise<void> {
    await this.mqtt.start();
  }
}
