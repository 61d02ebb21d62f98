import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { HEATMAP_INDICATORS } from './insights';
import { periodField } from './scorecard-query.dto';

const period = periodField.describe(`${periodField.description} (default: the current month)`);

export class DriversQueryDto extends createZodDto(z.strictObject({ period })) {}

export class HeatmapQueryDto extends createZodDto(
  z.strictObject({
    period,
    indicator: z.enum(HEATMAP_INDICATORS).describe('an indicator read from ratings'),
  }),
) {}
