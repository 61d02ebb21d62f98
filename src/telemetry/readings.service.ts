import { Injectable } from '@nestjs/common';
import { seesStaffTags, type Principal } from '../platform/access/roles';
import { PseudonymKeysService } from '../feedback/pseudonym-keys.service';
import { counterDelta } from './counter';
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

  /**
   * Per zone: the people who came through (people_count increments, with resets and wrap-around,
   * and visits reports) and the cleaning check-ins, between two instants (epoch ms, oldest first).
   */
  async zoneActivity(clientId: string, zoneIds: readonly string[], from: Date, to: Date): Promise<Map<string, ZoneActivity>> {
    const rows = await this.telemetry.zoneReadings(clientId, zoneIds, ['people_count', 'visits', 'cleaning_checkin'], ['people_count'], from, to);
    const activity = new Map<string, ZoneActivity>(zoneIds.map((id) => [id, { visits: [], checkins: [] }]));
    const lastCount = new Map<string, number>();
    for (const row of rows) {
      const zone = activity.get(row.zoneId)!;
      const at = row.ts.getTime();
      const value = Number(row.value);
      if (row.signal === 'cleaning_checkin') zone.checkins.push(at);
      else if (row.signal === 'visits') zone.visits.push({ at, count: value });
      else {
        const count = counterDelta(lastCount.get(row.deviceId), value);
        lastCount.set(row.deviceId, value);
        if (count > 0 && at >= from.getTime()) zone.visits.push({ at, count });
      }
    }
    return activity;
  }

  /** Per zone: the level series of its dispensers and bins (soap_level, paper_level, bin_fill). */
  async zoneLevels(clientId: string, zoneIds: readonly string[], from: Date, to: Date): Promise<Map<string, ZoneLevels>> {
    const levels = new Map<string, ZoneLevels>(zoneIds.map((id) => [id, { series: [] }]));
    const series = new Map<string, ZoneLevels['series'][number]>();
    const levelSignals = ['soap_level', 'paper_level', 'bin_fill'];
    for (const row of await this.telemetry.zoneReadings(clientId, zoneIds, levelSignals, levelSignals, from, to)) {
      const key = `${row.deviceId}/${row.signal}`;
      let s = series.get(key);
      if (!s) {
        series.set(key, (s = { deviceId: row.deviceId, signal: row.signal, readings: [] }));
        levels.get(row.zoneId)!.series.push(s);
      }
      s.readings.push({ at: row.ts.getTime(), value: Number(row.value) });
    }
    return levels;
  }

  /**
   * Per zone: its devices (retired ones flagged), what each measures, its expected interval, and
   * the minutes an active one was heard in between two instants (first and last reading of each
   * minute), from three of its intervals before the range.
   */
  async zoneDevices(clientId: string, zoneIds: readonly string[], from: Date, to: Date): Promise<Map<string, ZoneDevice[]>> {
    const devices = new Map<string, ZoneDevice[]>(zoneIds.map((id) => [id, []]));
    let device: ZoneDevice | undefined;
    for (const row of await this.telemetry.zoneDevicesHeard(clientId, zoneIds, from, to)) {
      if (device?.id !== row.deviceId) {
        device = { id: row.deviceId, signals: row.signals, intervalS: row.intervalS, retired: row.retired, heard: [] };
        devices.get(row.zoneId)!.push(device);
      }
      if (row.first && row.last) device.heard.push({ first: row.first.getTime(), last: row.last.getTime() });
    }
    return devices;
  }

  /** Per zone: its CO2 and temperature readings, oldest first, each device's last one before the range first. */
  async zoneClimate(clientId: string, zoneIds: readonly string[], from: Date, to: Date): Promise<Map<string, ClimateReading[]>> {
    const climate = new Map<string, ClimateReading[]>(zoneIds.map((id) => [id, []]));
    const signals = ['co2', 'temperature'];
    for (const row of await this.telemetry.zoneReadings(clientId, zoneIds, signals, signals, from, to)) {
      climate.get(row.zoneId)!.push({ deviceId: row.deviceId, signal: row.signal as ClimateReading['signal'], at: row.ts.getTime(), value: Number(row.value) });
    }
    return climate;
  }
}

export interface ZoneDevice {
  id: string;
  signals: string[];
  intervalS: number;
  retired: boolean;
  /** First and last reading of each minute it was heard in, oldest first (active devices only). */
  heard: Array<{ first: number; last: number }>;
}

export interface ClimateReading {
  deviceId: string;
  signal: 'co2' | 'temperature';
  at: number;
  value: number;
}

export interface ZoneLevels {
  /** Per device and level signal, its readings oldest first (the last one before the range first). */
  series: Array<{ deviceId: string; signal: string; readings: Array<{ at: number; value: number }> }>;
}

export interface ZoneActivity {
  visits: Array<{ at: number; count: number }>;
  checkins: number[];
}
