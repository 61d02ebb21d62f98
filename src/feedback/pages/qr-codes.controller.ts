import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Roles } from '../../platform/access/roles.decorator';
import type { Principal } from '../../platform/access/roles';
import { sendPage } from './page-document';
import { QrCodesService } from './qr-codes.service';

@ApiTags('qr-codes')
@ApiBearerAuth()
@Roles('admin', 'fm_manager', 'account_manager')
@Controller('api/v1')
export class QrCodesController {
  constructor(private readonly qrCodes: QrCodesService) {}

  /** The touchpoint's QR code: its rating page, or its kiosk page for kiosks. */
  @ApiProduces('image/svg+xml')
  @Get('touchpoints/:key/qr.svg')
  @Header('Content-Type', 'image/svg+xml; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  touchpointQr(@CurrentPrincipal() who: Principal, @Param('key') key: string) {
    return this.qrCodes.touchpointSvg(key, who);
  }

  /** Printable A4 posters, one per QR touchpoint of the site. */
  @ApiProduces('text/html')
  @Get('sites/:key/qr-posters')
  async sitePosters(@CurrentPrincipal() who: Principal, @Param('key') key: string, @Res() reply: FastifyReply) {
    sendPage(reply, await this.qrCodes.sitePosters(key, who));
  }
}
