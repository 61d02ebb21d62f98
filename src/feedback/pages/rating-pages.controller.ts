import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../../platform/access/public.decorator';
import { RateLimited } from '../../platform/access/rate-limited.decorator';
import { sendPage } from './page-document';
import { RatingPagesService, type Visitor } from './rating-pages.service';

type Form = Record<string, unknown> | undefined;

const visitor = (request: FastifyRequest, lang: unknown): Visitor => ({ lang, acceptLanguage: request.headers['accept-language'], address: request.ip });

/** The occupant pages behind QR codes (/r) and on kiosks (/k): server-rendered HTML, no API key. */
@ApiExcludeController()
@Public()
@Controller()
export class RatingPagesController {
  constructor(private readonly pages: RatingPagesService) {}

  @RateLimited()
  @Get('r/:token')
  async ratePage(@Param('token') token: string, @Query('lang') lang: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    sendPage(reply, await this.pages.ratePage(token, visitor(request, lang)));
  }

  @RateLimited()
  @Post('r/:token')
  async submitRating(@Param('token') token: string, @Body() form: Form, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    sendPage(reply, await this.pages.submitRating(token, form, visitor(request, form?.lang)));
  }

  @RateLimited()
  @Post('r/:token/follow-up')
  async submitFollowUp(@Param('token') token: string, @Body() form: Form, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    sendPage(reply, await this.pages.submitFollowUp(token, form, visitor(request, form?.lang)));
  }

  @RateLimited()
  @Get('r/:token/report')
  async reportPage(@Param('token') token: string, @Query('lang') lang: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    sendPage(reply, await this.pages.reportPage(token, visitor(request, lang)));
  }

  @RateLimited()
  @Post('r/:token/report')
  async submitReport(@Param('token') token: string, @Body() form: Form, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    sendPage(reply, await this.pages.submitReport(token, form, visitor(request, form?.lang)));
  }

  @RateLimited()
  @Get('k/:token')
  async kioskPage(@Param('token') token: string, @Query('lang') lang: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    sendPage(reply, await this.pages.kioskPage(token, visitor(request, lang)));
  }

  @RateLimited()
  @Post('k/:token')
  async submitKiosk(@Param('token') token: string, @Body() form: Form, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    sendPage(reply, await this.pages.submitKiosk(token, form, visitor(request, form?.lang)));
  }
}
