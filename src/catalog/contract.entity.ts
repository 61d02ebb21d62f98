import { Column, Entity } from 'typeorm';
import { TenantRecord } from './catalog-record';
import type { AlertingPolicy, ComfortThresholds, IncidentPolicy, Language, ReportPolicy } from './catalog.types';

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

  /** The language its file states for its dashboards and reports; null: its sites' most common. */
  @Column({ type: 'text', nullable: true })
  language!: Language | null;

  @Column({ name: 'source_file', type: 'text', nullable: true })
  sourceFile!: string | null;

  /** Priority and targets per incident category, as the contract sets them (defaults apply to the rest). */
  @Column({ name: 'incident_policy', type: 'jsonb', default: {} })
  incidentPolicy!: IncidentPolicy;

  @Column({ type: 'jsonb', default: {} })
  alerting!: AlertingPolicy;

  /** Who receives the monthly report by e-mail. */
  @Column({ name: 'report_policy', type: 'jsonb', default: {} })
  reportPolicy!: ReportPolicy;

  /** When an occupied zone counts as comfortable (defaults: CO2 ≤ 1,000 ppm, 20–24 °C). */
  @Column({ type: 'jsonb' })
  comfort!: ComfortThresholds;
}
