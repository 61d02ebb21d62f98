import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../platform/access/roles.decorator';
import type { Principal } from '../platform/access/roles';
import { CatalogService } from './catalog.service';
import { ListCatalogDto, ListDevicesDto } from './list-catalog.dto';

const READERS = ['admin', 'fm_manager', 'account_manager', 'client_viewer'] as const;

@ApiTags('catalog')
@ApiBearerAuth()
@Roles(...READERS)
@Controller('api/v1')
export class CatalogController {
  constructor(private readonly catalog: CatalogService) {}

  @Get('clients')
  listClients(@CurrentPrincipal() who: Principal, @Query() query: ListCatalogDto) {
    return this.catalog.list('clients', who, query);
  }

  @Get('clients/:key')
  getClient(@CurrentPrincipal() who: Principal, @Param('key') key: string) {
    return this.catalog.get('clients', who, key);
  }

  @Get('contracts')
  listContracts(@CurrentPrincipal() who: Principal, @Query() query: ListCatalogDto) {
    return this.catalog.list('contracts', who, query);
  }

  @Get('contracts/:key')
  getContract(@CurrentPrincipal() who: Principal, @Param('key') key: string) {
    return this.catalog.contractWithObjectives(who, key);
  }

  @Get('sites')
  listSites(@CurrentPrincipal() who: Principal, @Query() query: ListCatalogDto) {
    return this.catalog.list('sites', who, query);
  }

  @Get('sites/:key')
  getSite(@CurrentPrincipal() who: Principal, @Param('key') key: string) {
    return this.catalog.get('sites', who, key);
  }

  @Get('zones')
  listZones(@CurrentPrincipal() who: Principal, @Query() query: ListCatalogDto) {
    return this.catalog.list('zones', who, query);
  }

  @ApiParam({ name: 'ref', description: 'siteKey.zoneKey' })
  @Get('zones/:ref')
  getZone(@CurrentPrincipal() who: Principal, @Param('ref') ref: string) {
    return this.catalog.get('zones', who, ref);
  }

  @Get('touchpoints')
  listTouchpoints(@CurrentPrincipal() who: Principal, @Query() query: ListCatalogDto) {
    return this.catalog.list('touchpoints', who, query);
  }

  @Get('touchpoints/:key')
  getTouchpoint(@CurrentPrincipal() who: Principal, @Param('key') key: string) {
    return this.catalog.get('touchpoints', who, key);
  }

  @Get('devices')
  listDevices(@CurrentPrincipal() who: Principal, @Query() query: ListDevicesDto) {
    return this.catalog.list('devices', who, query);
  }

  @ApiParam({ name: 'ref', description: 'siteKey.deviceKey' })
  @Get('devices/:ref')
  getDevice(@CurrentPrincipal() who: Principal, @Param('ref') ref: string) {
    return this.catalog.get('devices', who, ref);
  }
}
