import { Column, CreateDateColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** Columns every tenant-owned catalog row has: its id, its client, and when it was made and changed. */
export abstract class TenantRecord {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'client_id', type: 'uuid' })
  clientId!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** A row that contract sync retires, rather than deletes, when it leaves the contract file. */
export abstract class RetirableRecord extends TenantRecord {
  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt!: Date | null;
}

/** A row placed in a zone of a site: touchpoints and devices. */
export abstract class ZonePlacedRecord extends RetirableRecord {
  @Column({ name: 'site_id', type: 'uuid' })
  siteId!: string;

  @Column({ name: 'zone_id', type: 'uuid' })
  zoneId!: string;
}
