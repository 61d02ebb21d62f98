import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../platform/access/public.decorator';
import { RateLimited } from '../platform/access/rate-limited.decorator';
import type { Principal } from '../platform/access/roles';
import { CurrentPrincipal, Roles } from '../platform/access/roles.decorator';
import { DomainException, ErrorCode } from '../platform/errors/domain.exception';
import { CreateIncidentDto, CreateRatingDto, FollowUpDto, ListRatingsDto, submissionId } from './rating.dto';
import { RatingsService } from './ratings.service';

@ApiTags('feedback')
@Controller('api/v1')
export class RatingsController {
  constructor(private readonly ratings: RatingsService) {}

  /** Stores a rating; 201 once committed. The same id again answers the same and stores nothing. */
  @Public()
  @RateLimited()
  @Post('ratings')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  submit(@Body() body: CreateRatingDto, @Headers('idempotency-key') idempotencyKey: string | undefined, @Req() req: FastifyRequest) {
    return this.ratings.submit({ token: body.token }, { ...body, id: idOf(body.id, idempotencyKey) }, { origin: 'qr', source: req.ip });
  }

  @Public()
  @RateLimited()
  @Post('ratings/:id/follow-up')
  @HttpCode(200)
  followUp(@Param('id') id: string, @Body() body: FollowUpDto) {
    return this.ratings.addFollowUp(body.token, id, body);
  }

  @Public()
  @RateLimited()
  @Post('incidents')
  reportIncident(@Body() body: CreateIncidentDto, @Req() req: FastifyRequest) {
    return this.ratings.reportIncident(body.token, body, { origin: 'qr', source: req.ip });
  }

  @ApiBearerAuth()
  @Roles('admin', 'fm_manager', 'account_manager')
  @Get('ratings')
  list(@CurrentPrincipal() who: Principal, @Query() query: ListRatingsDto) {
    return this.ratings.list(who, query);
  }
}

/** The id may come in the body or as an Idempotency-Key header; both must then agree. */
function idOf(bodyId: string | undefined, header: string | undefined): string | undefined {
  if (header === undefined) return bodyId;
  const parsed = submissionId.safeParse(header);
  if (!parsed.success) throw new DomainException(ErrorCode.Validation, 'The Idempotency-Key header is not valid.', [{ field: 'Idempotency-Key', message: parsed.error.issues[0].message }]);
  if (bodyId !== undefined && bodyId !== header) {
    throw new DomainException(ErrorCode.Validation, 'The id and the Idempotency-Key header differ.', [{ field: 'id', message: 'must equal the Idempotency-Key header when both are sent' }]);
  }
  return header;
}
