import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { IncidentPolicy } from '../catalog/catalog.types';

export interface ZoneDeviceRow {
  clientId: string;
  siteId: string;
  zoneId: string;
  policy: IncidentPolicy;
  expectedIntervalS: number;
  lastSeenAt: Date | null;
}

export interface OpenDeviceIncidentRow {
  clientId: string;
  zoneId: string;
  openedAt: Date;
}

/** Zones (not retired) of sites whose contract runs on the site's own date at $1. */
const ACTIVE_ZONES = `active AS (
  SELECT z.id AS zone_id, z.client_id, z.site_id, k.incident_policy AS policy
  FROM zones z JOIN sites s ON s.id = z.site_id JOIN contracts k ON k.id = s.contract_id
  WHERE z.retired_at IS NULL AND s.retired_at IS NULL
    AND ($1::timestamptz AT TIME ZONE s.time_zone)::date BETWEEN k.starts_on AND COALESCE(k.ends_on, 'infinity'::date)
)`;

/**
 * What the device-offline rule reads: devices with when they were last heard (device_health, kept
 * by ingest) and the open "device offline" incidents. It reads the catalog's and telemetry's tables
 * directly, read-only, as the incidents repository does for policies: one statement per minute.
 */
@Injectable()
export class DeviceOfflineRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Every active device of the zones where something may change at `now`: a device heard from but
   * silent past `silentIntervals` of its interval, or an open incident; and those open incidents.
   */
  async zonesToCheck(now: Date, silentIntervals: number): Promise<{ devices: ZoneDeviceRow[]; open: OpenDeviceIncidentRow[] }> {
    const open: OpenDeviceIncidentRow[] = await this.dataSource.query(
      `WITH ${ACTIVE_ZONES}
       SELECT i.client_id AS "clientId", i.zone_id AS "zoneId", i.opened_at AS "openedAt"
       FROM incidents i JOIN active a ON a.zone_id = i.zone_id AND a.client_id = i.client_id
       WHERE i.category = 'device_offline' AND i.resolved_at IS NULL`,
      [now.toISOString()],
    );
    const devices: ZoneDeviceRow[] = await this.dataSource.query(
      `WITH ${ACTIVE_ZONES},
       seen AS (
         SELECT d.client_id, d.zone_id, d.expected_interval_s, h.last_seen_at
         FROM devices d LEFT JOIN device_health h ON h.client_id = d.client_id AND h.device_id = d.id
         WHERE d.retired_at IS NULL
       ),
       candidates AS (
         SELECT zone_id FROM seen WHERE last_seen_at < $1::timestamptz - make_interval(secs => $2 * expected_interval_s)
         UNION SELECT unnest($3::uuid[])
       )
       SELECT a.client_id AS "clientId", a.site_id AS "siteId", a.zone_id AS "zoneId", a.policy,
              seen.expected_interval_s AS "expectedIntervalS", seen.last_seen_at AS "lastSeenAt"
       FROM active a JOIN candidates c ON c.zone_id = a.zone_id JOIN seen ON seen.zone_id = a.zone_id AND seen.client_id = a.client_id`,
      [now.toISOString(), silentIntervals, open.map((o) => o.zoneId)],
    );
    return { devices, open };
  }
}
