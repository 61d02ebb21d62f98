import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { PGlite, types, type Results } from '@electric-sql/pglite';
import { assertDataDirFree } from '../process/data-dir-lock';

/**
 * A `pg`-shaped module for TypeORM's postgres driver, backed by one embedded PGlite database.
 *
 * PGlite is a single session, so a checked-out connection holds the database exclusively until
 * TypeORM releases it: transactions of concurrent requests never interleave. (typeorm-pglite shares
 * one global session among all "connections" and a process-wide singleton, which breaks both.)
 * Parsers match node-postgres (int8 and numeric as strings), so code behaves as on a real server.
 * It never opens the files while another process holds the DATA_DIR lock (`lockDir`): two PGlite
 * instances on one folder lose writes silently.
 */
export function createPgliteDriver(dataDir: string, lockDir: string) {
  let database: Promise<PGlite> | undefined;
  const open = (): Promise<PGlite> => {
    database ??= assertDataDirFree(lockDir).then(() => {
      mkdirSync(dataDir, { recursive: true });
      return PGlite.create({
        dataDir,
        parsers: { [types.INT8]: (v: string) => v, [types.NUMERIC]: (v: string) => v },
        serializers: { [types.BOOL]: (v: unknown) => (v === true || v === 'true' || v === 1 ? 't' : 'f') },
      });
    });
    return database;
  };

  class PgliteConnection extends EventEmitter {
    async query(sql: string, params?: unknown[] | ((...args: unknown[]) => void), callback?: (err: unknown, result?: unknown) => void) {
      const cb = typeof params === 'function' ? params : callback;
      const values = Array.isArray(params) ? params : undefined;
      try {
        const db = await open();
        const result = values && values.length > 0 ? await db.query<Record<string, unknown>>(sql, values) : lastOf(await db.exec(sql));
        const shaped = toPgResult(result);
        cb?.(null, shaped);
        return shaped;
      } catch (error) {
        if (cb) return cb(error);
        throw error;
      }
    }
  }

  class PglitePool extends EventEmitter {
    private readonly connection = new PgliteConnection();
    private tail: Promise<void> = Promise.resolve();

    connect(callback: (err: unknown, connection?: PgliteConnection, release?: (err?: unknown) => void) => void): void {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const previous = this.tail;
      this.tail = previous.then(() => held);
      previous
        .then(open)
        .then(
          () => callback(null, this.connection, () => release()),
          (error) => {
            release();
            callback(error);
          },
        );
    }

    end(callback?: (err?: unknown) => void): void {
      const closing = database ? database.then((db) => db.close()) : Promise.resolve();
      database = undefined;
      closing.then(() => callback?.(), (error) => callback?.(error));
    }
  }

  return { Pool: PglitePool };
}

function lastOf(results: Results[]): Results {
  return results[results.length - 1] ?? { rows: [], fields: [] };
}

function toPgResult(result: Results) {
  return {
    rows: result.rows,
    rowCount: result.rowCount ?? result.affectedRows ?? result.rows.length,
    command: result.command,
    fields: result.fields,
  };
}
