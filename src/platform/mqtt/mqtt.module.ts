import { Global, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { BrokerQueueProbe } from './broker-queue-probe';
import { DeadLettersRepository, deadLettersCounterProvider } from './dead-letters.repository';
import { MqttBacklog, oldestUnstoredGaugeProvider } from './mqtt-backlog';
import { deniedCounterProvider, MqttService } from './mqtt.service';

@Global()
@Module({
  providers: [MqttService, MqttBacklog, DeadLettersRepository, deadLettersCounterProvider, oldestUnstoredGaugeProvider, deniedCounterProvider, BrokerQueueProbe],
  exports: [MqttService, MqttBacklog, DeadLettersRepository],
})
export class MqttModule implements OnApplicationBootstrap {
  constructor(private readonly mqtt: MqttService) {}

  /** After every module's onModuleInit, so all subscriptions are known before a persistent session delivers its queue. */
  async onApplicationBootstrap(): Promise<void> {
    await this.mqtt.start();
  }
}
