import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { ReasonSet, Scale, TouchpointKind } from './catalog.types';

@Entity({ name: 'touchpoints' })
export class TouchpointEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'client_id', type: 'uuid' })
  clientId!: string;

  @Column({ name: 'site_id', type: 'uuid' })
  siteId!: string;

  @Column({ name: 'zone_id', type: 'uuid' })
  zoneId!: string;

  @Column({ type: 'text', unique: true })
  key!: string;

  @Column({ type: 'text' })
  kind!: TouchpointKind;

  @Column({ type: 'text' })
  scale!: Scale;

  @Column({ name: 'reason_sets', type: 'jsonb' })
  reasonSets!: ReasonSet[];

  /** Unguessable; printed in the QR code. Made once on creation and never taken from the YAML. */
  @Column({ type: 'text', unique: true })
  token!: string;

  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
