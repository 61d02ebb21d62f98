import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** A day's shared salt and the verifier of the secret it is used with. */
export interface DailySalt {
  salt: Buffer;
  verifier: string;
}

/** The daily salts of sender pseudonyms: a platform secret, so no client scope. */
@Injectable()
export class PseudonymKeysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The day's salt; the candidate becomes it when the day has none yet. Instances racing for it all get the first one stored. */
  async saltOfDay(day: string, candidate: DailySalt): Promise<DailySalt> {
    await this.dataSource.query(`INSERT INTO pseudonym_keys (day, salt, verifier) VALUES ($1::date, $2, $3) ON CONFLICT (day) DO NOTHING`, [
      day,
      candidate.salt,
      candidate.verifier,
    ]);
    const [row] = await this.dataSource.query<Array<{ salt: Uint8Array; verifier: string }>>(
      `SELECT salt, verifier FROM pseudonym_keys WHERE day = $1::date`,
      [day],
    );
    // A concurrent deletion can only take a past day's row, never the day asked for by a clock that agrees.
    if (!row) throw new Error(`The pseudonym salt of ${day} vanished as it was made; is another instance's clock a day ahead?`);
    return { salt: Buffer.from(row.salt), verifier: row.verifier };
  }

  /** Destroys the salts of the days before `day`; how many there were. Idempotent, so every instance may run it. */
  async deleteDaysBefore(day: string): Promise<number> {
    // Wrapped in a CTE: TypeORM answers a bare DELETE with [rows, count] instead of rows.
    const [{ n }] = await this.dataSource.query<Array<{ n: number }>>(
      `WITH gone AS (DELETE FROM pseudonym_keys WHERE day < $1::date RETURNING day) SELECT count(*)::int AS n FROM gone`,
      [day],
    );
    return n;
  }
}
