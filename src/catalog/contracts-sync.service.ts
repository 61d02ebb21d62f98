import { Injectable, Logger } from '@nestjs/common';
import { Subject } from 'rxjs';
import { AppConfig } from '../platform/config/app-config';
import { loadContractDirectory } from './contract-file';
import { ContractsRepository, emptySummary, type SyncSummary } from './contracts.repository';

@Injectable()
export class ContractsSyncService {
  private readonly logger = new Logger(ContractsSyncService.name);
  /** Emits after every sync, so features that act on the catalog (the connector scheduler) can catch up. */
  readonly synced = new Subject<SyncSummary>();

  constructor(
    private readonly contracts: ContractsRepository,
    private readonly config: AppConfig,
  ) {}

  /** Validates every contract file first, then applies each in its own transaction. */
  async syncDirectory(dir = this.config.contractsDir): Promise<SyncSummary> {
    const files = loadContractDirectory(dir);
    const summary = emptySummary();
    for (const file of files) {
      await this.contracts.apply(file, summary);
    }
    this.logger.log({ files: files.map((f) => f.path), summary }, `Contracts synced from ${dir}`);
    this.synced.next(summary);
    return summary;
  }
}
