import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { Public } from '../platform/access/public.decorator';
import { RateLimited } from '../platform/access/rate-limited.decorator';
import type { Principal } from '../platform/access/roles';
import { CurrentPrincipal, Roles } from '../platform/access/roles.decorator';
import { SHARE_LINK_DAYS, ShareLinksService } from './share-links.service';

const key = z.string().min(1).max(64);
class ContractParamsDto extends createZodDto(z.strictObject({ key })) {}
class ShareLinkParamsDto extends createZodDto(z.strictObject({ key, id: z.uuid() })) {}
class CreateShareLinkDto extends createZodDto(
  z.strictObject({
    site: key.optional().describe("one site of the contract (default: the whole contract)"),
    expiresInDays: z.int().min(1).max(SHARE_LINK_DAYS.max).optional().describe(`how long the link stands (default ${SHARE_LINK_DAYS.default} days)`),
    label: z.string().trim().min(1).max(200).optional().describe('who it was given to, for the list'),
  }),
) {}

/** Share links of the live scorecard page: made and withdrawn by the account team or the FM manager. */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/v1/contracts/:key/share-links')
export class ShareLinksController {
  constructor(private readonly links: ShareLinksService) {}

  /** A signed link to the contract's (or a site's) live scorecard, for a client without an account; it expires, and can be revoked. */
  @Roles('admin', 'account_manager', 'fm_manager')
  @Post()
  create(@CurrentPrincipal() who: Principal, @Param() params: ContractParamsDto, @Body() body: CreateShareLinkDto) {
    return this.links.create(who, params.key, body);
  }

  /** The contract's links, newest first, with their status (active, expired, revoked). */
  @Roles('admin', 'account_manager', 'fm_manager')
  @Get()
  list(@CurrentPrincipal() who: Principal, @Param() params: ContractParamsDto) {
    return this.links.list(who, params.key);
  }

  /** Withdraws a link: its page answers 404 from then on. */
  @Roles('admin', 'account_manager', 'fm_manager')
  @Delete(':id')
  @HttpCode(204)
  async revoke(@CurrentPrincipal() who: Principal, @Param() params: ShareLinkParamsDto): Promise<void> {
    await this.links.revoke(who, params.key, params.id);
  }
}

/** The live scorecard page behind a share link: server-rendered, its figures refreshed each minute. */
@Public()
@Controller()
export class SharePageController {
  constructor(private readonly links: ShareLinksService) {}

  @ApiExcludeEndpoint()
  @RateLimited()
  @Get('s/:token')
  async page(@Param('token') token: string, @Query('period') period: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    // Anything but one period string is a month the page does not offer.
    const page = await this.links.page(token, typeof period === 'string' || period === undefined ? period : '-', request.headers['accept-language']);
    return reply
      .status(page.status)
      .headers({
        'content-type': 'text/html; charset=utf-8',
        'content-language': page.language,
        'cache-control': 'no-store',
        // The token is in the URL: no Referer carries it off, and no search engine keeps it.
        'referrer-policy': 'no-referrer',
        'x-robots-tag': 'noindex, nofollow',
        'x-content-type-options': 'nosniff',
        // Its one script (the minute's refresh) by nonce, fetching this page only.
        'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; img-src data:; ${page.nonce ? `script-src 'nonce-${page.nonce}'; connect-src 'self'; ` : ''}base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      })
      .send(page.body);
  }
}
