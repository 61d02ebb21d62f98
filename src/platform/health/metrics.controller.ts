import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import type { FastifyReply } from 'fastify';
import { Public } from '../access/public.decorator';

@ApiExcludeController()
@Controller()
export class MetricsController extends PrometheusController {
  /** Prometheus scrape endpoint; public like /health, for the scraper on the private network. */
  @Public()
  @Get()
  override async index(@Res({ passthrough: true }) response: FastifyReply): Promise<string> {
    return super.index(response);
  }
}
