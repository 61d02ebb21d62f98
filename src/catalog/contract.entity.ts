import { Column, Entity } from 'typeorm';
import { TenantRecord } from './catalog-record';

@Entity({ name: 'contracts' })
export class ContractEntity extends TenantRecord {
  @Column({ type: 'text', unique: true })
  key!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  provider!: string;

  @Column({ name: 'starts_on', type: 'date' })
  startsOn!: string;

  @Column({ name: 'ends_on', type: 'date', nullable: true })
  endsOn!: string | null;

  @Column({ name: 'source_file', type: 'text', nullable: true })
  sourceFile!: string | null;
}
