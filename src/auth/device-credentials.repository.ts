import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SqlParams } from '../platform/database/sql-params';

/** An active device (it, its zone and its site not retired), as a credential names it. */
export interface CredentialDevice {
  id: string;
  clientId: string;
  siteId: string;
  siteKey: string;
  zoneKey: string;
  deviceKey: string;
}

export interface NewDeviceCredential {
  clientId: string;
  siteId: string;
  deviceId: string;
  username: string;
  secretHash: string;
  at: Date;
}

const DEVICE_COLUMNS = `d.id, d.client_id AS "clientId", d.site_id AS "siteId", s.key AS "siteKey", z.key AS "zoneKey", d.key AS "deviceKey"`;
const ZONE_AND_SITE = `JOIN zones z ON z.id = d.zone_id JOIN sites s ON s.id = d.site_id`;
const ACTIVE = `d.retired_at IS NULL AND z.retired_at IS NULL AND s.retired_at IS NULL`;

// Raw SQL: a credential is only as good as its device, so every read joins the device, zone and site to see none is retired.
@Injectable()
export class DeviceCredentialsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Active devices of a site (one, when a device key is given), within one client unless clientId is null (admin). */
  activeDevicesOfSite(siteKey: string, clientId: string | null, deviceKey?: string): Promise<Array<CredentialDevice & { hasCredential: boolean }>> {
    const sql = new SqlParams();
    const where = [`s.key = ${sql.bind(siteKey)}`];
    if (deviceKey !== undefined) where.push(`d.key = ${sql.bind(deviceKey)}`);
    if (clientId !== null) where.push(`d.client_id = ${sql.bind(clientId)}`);
    return this.dataSource.query(
      `SELECT ${DEVICE_COLUMNS}, EXISTS (SELECT 1 FROM device_credentials c WHERE c.client_id = d.client_id AND c.device_id = d.id) AS "hasCredential"
       FROM devices d ${ZONE_AND_SITE} WHERE ${ACTIVE} AND ${where.join(' AND ')} ORDER BY z.key, d.key`,
      sql.values,
    );
  }

  /** Stores a first credential; false when the device already has one. */
  async insertIfAbsent(credential: NewDeviceCredential): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO device_credentials (client_id, site_id, device_id, username, secret_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (client_id, device_id) DO NOTHING RETURNING device_id`,
      [credential.clientId, credential.siteId, credential.deviceId, credential.username, credential.secretHash, credential.at],
    );
    return rows.length === 1;
  }

  /** Stores a credential, replacing the device's current one (the old secret stops working at once). */
  async replace(credential: NewDeviceCredential): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO device_credentials (client_id, site_id, device_id, username, secret_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (client_id, device_id) DO UPDATE SET username = EXCLUDED.username, secret_hash = EXCLUDED.secret_hash, rotated_at = EXCLUDED.created_at`,
      [credential.clientId, credential.siteId, credential.deviceId, credential.username, credential.secretHash, credential.at],
    );
  }

  /** The active device holding this username, with its secret hash. */
  async findActiveByUsername(username: string): Promise<(CredentialDevice & { username: string; secretHash: string }) | undefined> {
    return (await this.findActiveByUsernames([username]))[0];
  }

  /** The active devices holding these usernames, with their secret hashes (retired ones are missing). */
  findActiveByUsernames(usernames: readonly string[]): Promise<Array<CredentialDevice & { username: string; secretHash: string }>> {
    return this.dataSource.query(
      `SELECT ${DEVICE_COLUMNS}, c.username, c.secret_hash AS "secretHash"
       FROM device_credentials c JOIN devices d ON d.id = c.device_id AND d.client_id = c.client_id ${ZONE_AND_SITE}
       WHERE c.username = ANY($1) AND ${ACTIVE}`,
      [usernames],
    );
  }

  /** Every credential, with whether its device (and zone and site) is still active: what a broker must know. */
  allWithState(): Promise<Array<CredentialDevice & { username: string; active: boolean }>> {
    return this.dataSource.query(
      `SELECT ${DEVICE_COLUMNS}, c.username, (${ACTIVE}) AS active
       FROM device_credentials c JOIN devices d ON d.id = c.device_id AND d.client_id = c.client_id ${ZONE_AND_SITE}
       ORDER BY c.username`,
    );
  }
}
