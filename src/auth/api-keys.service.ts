import { Injectable } from '@nestjs/common';
import { CatalogService } from '../catalog/catalog.service';
import { AppConfig } from '../platform/config/app-config';
import { DomainException, ErrorCode } from '../platform/errors/domain.exception';
import { generateApiKey, hashApiKey, sameSecret } from './api-key';
import { ApiKeysRepository } from './api-keys.repository';
import type { Principal, Role } from '../platform/access/roles';

export interface CreatedApiKey {
  id: string;
  name: string;
  role: Role;
  clientKey: string | null;
  siteKey: string | null;
  prefix: string;
  /** The key itself: shown once, never stored. */
  key: string;
}

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly catalog: CatalogService,
    private readonly config: AppConfig,
  ) {}

  async create(input: { role: Role; clientKey?: string; siteKey?: string; name?: string }): Promise<CreatedApiKey> {
    if (input.role === 'admin' && input.clientKey) {
      throw new DomainException(ErrorCode.Validation, 'An admin key sees every client; do not give it a client.', [
        { field: 'client', message: 'must be empty for role admin' },
      ]);
    }
    if (input.role !== 'admin' && !input.clientKey) {
      throw new DomainException(ErrorCode.Validation, `A ${input.role} key needs the client it may see.`, [
        { field: 'client', message: `required for role ${input.role}` },
      ]);
    }
    const client = input.clientKey ? await this.catalog.findClientByKey(input.clientKey) : null;
    if (input.clientKey && !client) {
      throw new DomainException(ErrorCode.Validation, `No client with key "${input.clientKey}".`, [{ field: 'client', message: 'unknown client' }]);
    }
    if (input.role === 'device' && !input.siteKey) {
      throw new DomainException(ErrorCode.Validation, 'A device key (a handheld) needs the site it works on.', [{ field: 'site', message: 'required for role device' }]);
    }
    // Only the routes a handheld uses know about sites: a site on another role would promise a limit nothing enforces.
    if (input.role !== 'device' && input.siteKey) {
      throw new DomainException(ErrorCode.Validation, `A ${input.role} key sees its whole client; only device keys are limited to a site.`, [{ field: 'site', message: `must be empty for role ${input.role}` }]);
    }
    const site = input.siteKey && client ? await this.catalog.findSiteByKey(client.id, input.siteKey) : null;
    if (input.siteKey && !site) {
      throw new DomainException(ErrorCode.Validation, `No active site "${input.siteKey}" of client "${input.clientKey}".`, [{ field: 'site', message: 'unknown site of that client' }]);
    }
    const generated = generateApiKey();
    const name = input.name ?? `${input.role}${client ? `@${site ? `${site.key}.` : ''}${client.key}` : ''}`;
    const saved = await this.keys.insert({ name, role: input.role, clientId: client?.id ?? null, siteId: site?.id ?? null, prefix: generated.prefix, hash: generated.hash });
    return { id: saved.id, name, role: input.role, clientKey: client?.key ?? null, siteKey: site?.key ?? null, prefix: generated.prefix, key: generated.secret };
  }

  /** The principal behind a bearer token, or undefined when it is not a valid, active key. */
  async authenticate(token: string): Promise<Principal | undefined> {
    if (this.config.adminApiKey && sameSecret(token, this.config.adminApiKey)) {
      return { role: 'admin', clientId: null, siteId: null, keyId: null };
    }
    const key = await this.keys.findActiveByHash(hashApiKey(token));
    return key ? { role: key.role, clientId: key.clientId, siteId: key.siteId, keyId: key.id } : undefined;
  }
}
