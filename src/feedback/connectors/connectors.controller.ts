import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../../platform/access/roles.decorator';
import type { Principal } from '../../platform/access/roles';
import { ConnectorsService } from './connectors.service';

@ApiTags('connectors')
@ApiBearerAuth()
@Controller('api/v1/connectors')
export class ConnectorsController {
  constructor(private readonly connectors: ConnectorsService) {}

  /** Every connector of the caller's client with its last run: imported, rejected and why. */
  @Get()
  @Roles('admin', 'fm_manager', 'account_manager')
  list(@CurrentPrincipal() who: Principal) {
    return this.connectors.list(who);
  }

  /** Runs one connector now, whatever its schedule, and answers with its status when the run is over. */
  @Post(':key/run')
  @HttpCode(200)
  @Roles('admin', 'fm_manager')
  run(@CurrentPrincipal() who: Principal, @Param('key') key: string) {
    return this.connectors.runNow(key, who);
  }
}
