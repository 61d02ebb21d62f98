import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../platform/access/roles.decorator';
import type { Principal } from '../platform/access/roles';
import { DeviceCredentialsService } from './device-credentials.service';
import { IssueDeviceCredentialDto } from './issue-device-credential.dto';

@ApiTags('auth')
@ApiBearerAuth()
@Controller('api/v1/devices')
export class DeviceCredentialsController {
  constructor(private readonly credentials: DeviceCredentialsService) {}

  /** Issues (or with rotate, replaces) a device's MQTT credential and returns the secret once; only its hash is stored. */
  @Roles('admin', 'fm_manager')
  @ApiParam({ name: 'ref', description: 'siteKey.deviceKey' })
  @Post(':ref/credentials')
  issue(@CurrentPrincipal() who: Principal, @Param('ref') ref: string, @Body() body: IssueDeviceCredentialDto) {
    return this.credentials.issueByRef(ref, who, body.rotate);
  }
}
