import { Injectable } from '@nestjs/common';
import type { Principal } from '../platform/access/roles';
import { DomainException } from '../platform/errors/domain.exception';
import { CatalogRepository, type CatalogFilter, type CatalogKind, type Page } from './catalog.repository';

const SINGULAR: Record<CatalogKind, string> = {
  clients: 'client',
  contracts: 'contract',
  sites: 'site',
  zones: 'zone',
  touchpoints: 'touchpoint',
  devices: 'device',
};

@Injectable()
export class CatalogService {
  constructor(private readonly catalog: CatalogRepository) {}

  list(kind: CatalogKind, who: Principal, query: CatalogFilter & { page: number; limit: number }): Promise<Page<Record<string, unknown>>> {
    return this.catalog.list(kind, who.clientId, { contract: query.contract, site: query.site }, query.page, query.limit);
  }

  /** Another client's resource is "not found", never "forbidden": its existence is not revealed. */
  async get(kind: CatalogKind, who: Principal, key: string): Promise<Record<string, unknown>> {
    const found = await this.catalog.findOne(kind, who.clientId, key);
    if (!found) throw DomainException.notFound(SINGULAR[kind], key);
    return found;
  }

  findClientByKey(key: string): Promise<{ id: string; key: string } | undefined> {
    return this.catalog.findClientByKey(key);
  }
}
