import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity';
import type { Role } from '../platform/access/roles';

@Injectable()
export class ApiKeysRepository {
  constructor(@InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>) {}

  findActiveByHash(hash: string): Promise<ApiKeyEntity | null> {
    return this.keys.findOneBy({ hash, revokedAt: IsNull() });
  }

  insert(key: { name: string; role: Role; clientId: string | null; siteId: string | null; prefix: string; hash: string }): Promise<ApiKeyEntity> {
    return this.keys.save(this.keys.create(key));
  }
}
