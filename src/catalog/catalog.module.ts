import { Module } from '@nestjs/common';
import { CatalogController } from './catalog.controller';
import { CatalogRepository } from './catalog.repository';
import { CatalogService } from './catalog.service';
import { ContractsRepository } from './contracts.repository';
import { ContractsSyncService } from './contracts-sync.service';

@Module({
  controllers: [CatalogController],
  providers: [CatalogRepository, CatalogService, ContractsRepository, ContractsSyncService],
  exports: [CatalogService, ContractsSyncService],
})
export class CatalogModule {}
