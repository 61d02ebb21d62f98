import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator, type HealthCheckResult } from '@nestjs/terminus';
import { Public } from '../access/public.decorator';
import { IngestHealthIndicator, type IngestHealth } from './ingest.health';
import { MqttHealthIndicator } from './mqtt.health';
import { StatusBoard, type ComponentStatus } from './status-board';

type HealthReport = Omit<HealthCheckResult, 'status'> & {
  status: HealthCheckResult['status'] | 'degraded';
  ingest: IngestHealth;
  /** Background components (the dashboards publisher): degraded ones make the service degraded. */
  components: Record<string, ComponentStatus>;
};

@ApiTags('platform')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly mqtt: MqttHealthIndicator,
    private readonly ingest: IngestHealthIndicator,
    private readonly board: StatusBoard,
  ) {}

  /** Liveness: 200 when the database and the MQTT broker answer (`status` ok, or degraded when intake is stuck), 503 otherwise. */
  @Public()
  @Get()
  @HealthCheck()
  async check(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
    const report = await this.report();
    if (report.status === 'error') void reply.status(503);
    return report;
  }

  /** Readiness: 200 only when everything is ok; 503 when degraded or down. */
  @Public()
  @Get('ready')
  @HealthCheck()
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
    const report = await this.report();
    if (report.status !== 'ok') void reply.status(503);
    return report;
  }

  private async report(): Promise<HealthReport> {
    let result: HealthCheckResult;
    try {
      result = await this.health.check([() => this.database.pingCheck('database', { timeout: 3000 }), () => this.mqtt.check('mqtt')]);
    } catch (error) {
      // Load balancers and monitors read terminus' body as it is, so it is not turned into problem+json.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      result = error.getResponse() as HealthCheckResult;
    }
    const ingest = this.ingest.check();
    const components = this.board.all();
    const degraded = ingest.status === 'degraded' || Object.values(components).some((c) => c.status === 'degraded');
    return { ...result, status: result.status === 'ok' && degraded ? 'degraded' : result.status, ingest, components };
  }
}
