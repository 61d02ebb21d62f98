import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../platform/config/app-config';
import { loadContractDirectory } from './contract-file';
import { ContractsRepository, emptySummary, type SyncSummary } from './contracts.repository';

@Injectable()
export class ContractsSyncService {
  private readonly logger = new Logger(ContractsSyncService.name);

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
    return summary;
  }
}
