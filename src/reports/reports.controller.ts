import { Controller, Get, Header, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import type { Principal } from '../platform/access/roles';
import { CurrentPrincipal, Roles } from '../platform/access/roles.decorator';
import { periodField } from '../scoring/scorecard-query.dto';
import { ReportsService } from './reports.service';

class ContractParamsDto extends createZodDto(z.strictObject({ key: z.string().min(1).max(64) })) {}
class StoredReportParamsDto extends createZodDto(
  z.strictObject({ file: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.(pdf|html|csv)$/i, { message: 'expected <report id>.pdf, .html or .csv' }).describe('<report id>.pdf|html|csv') }),
) {}

const TYPES = { pdf: 'application/pdf', html: 'text/html; charset=utf-8', csv: 'text/csv; charset=utf-8' } as const;
class ReportQueryDto extends createZodDto(
  z.strictObject({
    period: periodField.describe(`${periodField.description} (default: the last whole month)`),
    format: z.enum(['html', 'csv', 'pdf']).default('html'),
  }),
) {}

@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/v1')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  /** A contract's monthly report, rendered now: HTML (print CSS for A4), PDF (A4, page numbers) or CSV (one row per site and objective). */
  @Roles('admin', 'fm_manager', 'account_manager', 'client_viewer')
  @Get('contracts/:key/report')
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

  /** The contract's stored monthly reports (made on the 1st at 06:00 in its time zone), newest first, failed ones with their error. */
  @Roles('admin', 'fm_manager', 'account_manager', 'client_viewer')
  @Get('contracts/:key/reports')
  list(@CurrentPrincipal() who: Principal, @Param() params: ContractParamsDto) {
    return this.reports.stored(who, params.key);
  }

  /** A stored report: `<id>.pdf`, `<id>.html` or `<id>.csv`. */
  @Roles('admin', 'fm_manager', 'account_manager', 'client_viewer')
  @Get('reports/:file')
  @Header('cache-control', 'private, max-age=3600')
  async stored(@CurrentPrincipal() who: Principal, @Param() params: StoredReportParamsDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const [id, ext] = params.file.split('.') as [string, keyof typeof TYPES];
    const format = ext.toLowerCase() as keyof typeof TYPES;
    const report = await this.reports.storedContent(who, id.toLowerCase(), format);
    void reply.type(TYPES[format]);
    if (format === 'html') void reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    if (format !== 'html') void reply.header('content-disposition', `attachment; filename="${report.contract}-${report.period}.${format}"`);
    return report.body;
  }
}
