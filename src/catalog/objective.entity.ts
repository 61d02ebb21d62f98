import { Column, Entity } from 'typeorm';
import { RetirableRecord } from './catalog-record';
import type { IndicatorKey, ObjectiveKind, ObjectiveScope, WindowKind } from './catalog.types';

/** An XLA or SLA objective of a contract (contract YAML `objectives`); its public id is "contractKey.objectiveKey". */
@Entity({ name: 'objectives' })
export class ObjectiveEntity extends RetirableRecord {
  @Column({ name: 'contract_id', type: 'uuid' })
  contractId!: string;

  @Column({ type: 'text' })
  key!: string;

  @Column({ type: 'text' })
  kind!: ObjectiveKind;

  @Column({ type: 'text' })
  indicator!: IndicatorKey;

  @Column({ type: 'double precision' })
  target!: number;

  // "window" is a reserved word in SQL.
  @Column({ name: 'window_kind', type: 'text' })
  window!: WindowKind;

  @Column({ type: 'jsonb' })
  scope!: ObjectiveScope;

  @Column({ name: 'min_sample', type: 'integer' })
  minSample!: number;

  @Column({ type: 'double precision' })
  weight!: number;
}
