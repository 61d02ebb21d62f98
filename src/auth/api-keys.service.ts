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

  async create(input: { role: Role; clientKey?: string; name?: string }): Promise<CreatedApiKey> {
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
    const generated = generateApiKey();
    const name = input.name ?? `${input.role}${client ? `@${client.key}` : ''}`;
    const saved = await this.keys.insert({ name, role: input.role, clientId: client?.id ?? null, prefix: generated.prefix, hash: generated.hash });
    return { id: saved.id, name, role: input.role, clientKey: client?.key ?? null, prefix: generated.prefix, key: generated.secret };
  }

  /** The principal behind a bearer token, or undefined when it is not a valid, active key. */
  async authenticate(token: string): Promise<Principal | undefined> {
    if (this.config.adminApiKey && sameSecret(token, this.config.adminApiKey)) {
      return { role: 'admin', clientId: null, keyId: null };
    }
    const key = await this.keys.findActiveByHash(hashApiKey(token));
    return key ? { role: key.role, clientId: key.clientId, keyId: key.id } : undefined;
  }
}
