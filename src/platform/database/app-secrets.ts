import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';

/**
 * A random secret the database keeps (app_secrets), made on first use, the same for every
 * instance: 32 random bytes, base64url. Two instances racing both read the one that won.
 */
export async function appSecret(dataSource: DataSource, name: string): Promise<string> {
  await dataSource.query(`INSERT INTO app_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [name, randomBytes(32).toString('base64url')]);
  const [row] = await dataSource.query<Array<{ value: string }>>(`SELECT value FROM app_secrets WHERE name = $1`, [name]);
  return row.value;
}
