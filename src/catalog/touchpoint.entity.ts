import { Column, Entity } from 'typeorm';
import { ZonePlacedRecord } from './catalog-record';
import type { ReasonSet, Scale, TouchpointKind } from './catalog.types';

@Entity({ name: 'touchpoints' })
export class TouchpointEntity extends ZonePlacedRecord {
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
}
