import { Controller, Get, Header, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import type { Principal } from '../platform/access/roles';
import { CurrentPrincipal, Roles } from '../platform/access/roles.decorator';
import { ReportsService } from './reports.service';

class ContractParamsDto extends createZodDto(z.strictObject({ key: z.string().min(1).max(64) })) {}
class ReportQueryDto extends createZodDto(
  z.strictObject({
    period: z.string().min(1).max(16).optional().describe('a calendar month YYYY-MM (default: the last whole month)'),
    format: z.enum(['html', 'csv', 'pdf']).default('html'),
  }),
) {}

@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/v1/contracts')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  /** A contract's monthly report, rendered now: HTML (print CSS for A4), PDF (A4, page numbers) or CSV (one row per site and objective). */
  @Roles('admin', 'fm_manager', 'account_manager', 'client_viewer')
  @Get(':key/report')
  @Header('cache-control', 'no-store')
  async report(@CurrentPrincipal() who: Principal, @Param() params: ContractParamsDto, @Query() query: ReportQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    if (query.format === 'pdf') {
      void reply.type('application/pdf').header('content-disposition', `attachment; filename="${params.key}-${query.period ?? this.reports.defaultPeriod()}.pdf"`);
      return this.reports.pdf(who, params.key, query.period);
    }
    if (query.format === 'csv') {
      void reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${params.key}-${query.period ?? this.reports.defaultPeriod()}.csv"`);
      return this.reports.csv(who, params.key, query.period);
    }
    void reply.type('text/html; charset=utf-8').header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    return this.reports.html(who, params.key, query.period);
  }
}
