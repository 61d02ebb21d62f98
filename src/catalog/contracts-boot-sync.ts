import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ContractsSyncService } from './contracts-sync.service';

/** The service applies config/contracts at start-up; a bad file stops the start. */
@Injectable()
export class ContractsBootSync implements OnApplicationBootstrap {
  constructor(private readonly sync: ContractsSyncService) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.sync.syncDirectory();
  }
}
