import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from '../platform/access/roles';

@Entity({ name: 'api_keys' })
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Null only for admin keys, which see every client. */
  @Column({ name: 'client_id', type: 'uuid', nullable: true })
  clientId!: string | null;

  /** The one site of that client the key may see: device keys (handhelds) only, and always. */
  @Column({ name: 'site_id', type: 'uuid', nullable: true })
  siteId!: string | null;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  role!: Role;

  /** The first characters of the key, to recognise it in lists; never enough to use it. */
  @Column({ type: 'text' })
  prefix!: string;

  /** SHA-256 of the whole key: keys are 256-bit random, so a fast hash is as safe as a slow one. */
  @Column({ type: 'text', unique: true })
  hash!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
