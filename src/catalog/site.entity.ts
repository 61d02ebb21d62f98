import { Column, Entity } from 'typeorm';
import { RetirableRecord } from './catalog-record';
import type { Language, ServiceHours } from './catalog.types';

@Entity({ name: 'sites' })
export class SiteEntity extends RetirableRecord {
  @Column({ name: 'contract_id', type: 'uuid' })
  contractId!: string;

  @Column({ type: 'text', unique: true })
  key!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  city!: string;

  @Column({ type: 'text' })
  country!: string;

  @Column({ name: 'time_zone', type: 'text' })
  timeZone!: string;

  @Column({ type: 'text' })
  language!: Language;

  @Column({ name: 'service_hours', type: 'jsonb' })
  serviceHours!: ServiceHours;

  @Column({ type: 'jsonb' })
  holidays!: string[];
}
