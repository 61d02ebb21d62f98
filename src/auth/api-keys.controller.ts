import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiKeysService } from './api-keys.service';
import { CreateApiKeyDto } from './create-api-key.dto';
import { Roles } from '../platform/access/roles.decorator';

@ApiTags('auth')
@ApiBearerAuth()
@Controller('api/v1/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  /** Creates a key and returns it once; only its hash is stored. */
  @Roles('admin')
  @Post()
  create(@Body() body: CreateApiKeyDto) {
    return this.apiKeys.create({ role: body.role, clientKey: body.client, siteKey: body.site, name: body.name });
  }
}
