import { Module } from '@nestjs/common';
import { CatalogController } from './catalog.controller';
import { CatalogRepository } from './catalog.repository';
import { CatalogService } from './catalog.service';
import { ContractDirectory } from './contract-directory';
import { ContractsRepository } from './contracts.repository';
import { ContractsSyncService } from './contracts-sync.service';

@Module({
  controllers: [CatalogController],
  providers: [CatalogRepository, CatalogService, ContractDirectory, ContractsRepository, ContractsSyncService],
  exports: [CatalogService, ContractDirectory, ContractsSyncService],
})
export class CatalogModule {}
