import { Column, Entity } from 'typeorm';
import { RetirableRecord } from './catalog-record';
import type { ConnectorSpec, ConnectorType } from './contract-file.schema';

/** What a connector does, beyond its key, type, schedule and switch: URL, auth variable, paging, mapping, retry. */
export type ConnectorSettings = Omit<ConnectorSpec, 'key' | 'type' | 'schedule' | 'enabled'>;

/** A pull connector as declared in a contract file; its run state belongs to feedback (connector_state). */
@Entity({ name: 'connectors' })
export class ConnectorEntity extends RetirableRecord {
  @Column({ type: 'text', unique: true })
  key!: string;

  @Column({ name: 'contract_id', type: 'uuid' })
  contractId!: string;

  @Column({ type: 'text' })
  type!: ConnectorType;

  @Column({ type: 'text' })
  schedule!: string;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ type: 'jsonb' })
  settings!: ConnectorSettings;
}
