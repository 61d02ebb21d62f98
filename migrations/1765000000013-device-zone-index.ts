import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The SLA facts job reads a zone's devices (and through them its readings) for every zone-day it
 * recomputes, three statements each: by the client-and-site index it read all of a client's devices
 * and filtered them by zone (33,000 devices, about 5 ms a statement in bench:scoring's contract, for
 * the 20,000 zone-days of today and yesterday it recomputes every few minutes).
 */
export class DeviceZoneIndex1765000000013 implements MigrationInterface {
  name = 'DeviceZoneIndex1765000000013';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX ix_devices_client_zone ON devices (client_id, zone_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_devices_client_zone`);
  }
}
