import { Column, Entity, Unique } from 'typeorm';
import { RetirableRecord } from './catalog-record';
import type { CleaningPlan, ZoneType } from './catalog.types';

@Entity({ name: 'zones' })
@Unique('uq_zones_site_key', ['siteId', 'key'])
export class ZoneEntity extends RetirableRecord {
  @Column({ name: 'site_id', type: 'uuid' })
  siteId!: string;

  @Column({ type: 'text' })
  key!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  type!: ZoneType;

  @Column({ type: 'text', nullable: true })
  floor!: string | null;

  /** The plan in force: the zone's own, else its site's for its type; null when the contract sets none. */
  @Column({ name: 'cleaning_plan', type: 'jsonb', nullable: true })
  cleaningPlan!: CleaningPlan | null;
}
