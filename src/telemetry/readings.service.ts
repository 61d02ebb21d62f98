import { Injectable } from '@nestjs/common';
import { seesStaffTags, type Principal } from '../platform/access/roles';
import { PseudonymKeysService } from '../feedback/pseudonym-keys.service';
import { staffPseudonym } from './staff-pseudonym';
import type { ListReadingsDto } from './telemetry-query.dto';
import { TelemetryRepository } from './telemetry.repository';

@Injectable()
export class ReadingsService {
  constructor(
    private readonly telemetry: TelemetryRepository,
    private readonly pseudonyms: PseudonymKeysService,
  ) {}

  /** Raw readings of a device; a check-in tag names a cleaner, so only staff-managing roles see it, the others a pseudonym. */
  async list(who: Principal, query: ListReadingsDto) {
    const found = await this.telemetry.listReadings(who.clientId, query);
    if (seesStaffTags(who.role)) return { ...found, items: found.items.map(({ clientId: _, ...reading }) => reading) };
    const items = found.items.map(({ clientId, ...reading }) =>
      reading.tag === null ? reading : { ...reading, tag: staffPseudonym(reading.tag, this.pseudonyms.staffTagKey(clientId)) },
    );
    return { ...found, items };
  }
}
