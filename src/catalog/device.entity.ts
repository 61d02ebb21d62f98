import { Column, Entity, Unique } from 'typeorm';
import { ZonePlacedRecord } from './catalog-record';
import type { Signal } from './catalog.types';

@Entity({ name: 'devices' })
@Unique('uq_devices_site_key', ['siteId', 'key'])
export class DeviceEntity extends ZonePlacedRecord {
  @Column({ type: 'text' })
  key!: string;

  @Column({ type: 'text', nullable: true })
  model!: string | null;

  @Column({ type: 'jsonb' })
  signals!: Signal[];

  @Column({ name: 'expected_interval_s', type: 'integer' })
  expectedIntervalS!: number;
}
