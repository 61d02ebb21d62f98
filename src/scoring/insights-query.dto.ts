import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { HEATMAP_INDICATORS } from './insights';

const period = z.string().min(1).max(16).optional().describe('a calendar month YYYY-MM or ISO week YYYY-Www, in each site\'s time zone (default: the current month)');

export class DriversQueryDto extends createZodDto(z.strictObject({ period })) {}

export class HeatmapQueryDto extends createZodDto(
  z.strictObject({
    period,
    indicator: z.enum(HEATMAP_INDICATORS).describe('an indicator read from ratings'),
  }),
) {}
