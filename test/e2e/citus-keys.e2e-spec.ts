import type { DataSource } from 'typeorm';
import { startTestApp, type TestApp } from '../support/test-app';

/** A table's note that places it off the distributed tables on Citus (see migration 1764200000000). */
const EXEMPTION = /^Citus: (reference table|local table on the coordinator|coordinator-only)\b/;

/**
 * Every primary key and unique index of a table with a client_id column, with whether it holds
 * client_id and the notes of its constraint (or index) and of its table (a partition: its parent's).
 */
const UNIQUE_KEYS = `
  SELECT c.relname AS "table", i.relname AS "key",
         EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum = ANY (x.indkey) AND a.attname = 'client_id') AS "hasClient",
         COALESCE(obj_description(con.oid, 'pg_constraint'), obj_description(i.oid, 'pg_class')) AS "keyNote",
         COALESCE(obj_description(c.oid, 'pg_class'),
                  (SELECT obj_description(h.inhparent, 'pg_class') FROM pg_inherits h WHERE h.inhrelid = c.oid)) AS "tableNote"
  FROM pg_index x
  JOIN pg_class i ON i.oid = x.indexrelid
  JOIN pg_class c ON c.oid = x.indrelid
  LEFT JOIN pg_constraint con ON con.conindid = x.indexrelid AND con.conrelid = c.oid AND con.contype IN ('p', 'u')
  WHERE x.indisunique AND c.relnamespace = current_schema()::regnamespace
    AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'client_id' AND NOT a.attisdropped)
  ORDER BY 1, 2`;

interface UniqueKey {
  table: string;
  key: string;
  hasClient: boolean;
  keyNote: string | null;
  tableNote: string | null;
}

/** "table.key" of every unique key Citus could not enforce on a table distributed by client_id. */
async function keysWithoutClient(dataSource: DataSource): Promise<string[]> {
  const keys = await dataSource.query<UniqueKey[]>(UNIQUE_KEYS);
  return keys
    .filter((k) => !k.hasClient && !EXEMPTION.test(k.keyNote ?? '') && !EXEMPTION.test(k.tableNote ?? ''))
    .map((k) => `${k.table}.${k.key}`);
}

describe('Citus-ready keys', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startTestApp();
  });

  afterAll(async () => {
    await sut.close();
  });

  it('gives every per-client table keys that hold client_id, or a note saying where it lives on Citus', async () => {
    await expect(keysWithoutClient(sut.dataSource)).resolves.toEqual([]);
  });

  it('checks the readings partitions, whose keys must hold their partition key too', async () => {
    const keys = await sut.dataSource.query<Array<{ table: string; columns: string }>>(
      `SELECT c.relname AS "table", pg_get_indexdef(x.indexrelid) AS columns
       FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid JOIN pg_inherits h ON h.inhrelid = c.oid
       WHERE h.inhparent = 'readings'::regclass AND x.indisprimary`,
    );
    expect(keys.length).toBeGreaterThan(1);
    for (const k of keys) expect(k.columns).toContain('(client_id, device_id, signal, ts)');
  });

  it('names a key without client_id, and honours a note on its constraint or its table', async () => {
    await sut.dataSource.query(`CREATE TABLE citus_probe (client_id uuid NOT NULL, code text NOT NULL,
      CONSTRAINT citus_probe_pkey PRIMARY KEY (client_id, code), CONSTRAINT uq_citus_probe_code UNIQUE (code))`);
    await sut.dataSource.query(`CREATE UNIQUE INDEX ix_citus_probe_code ON citus_probe (lower(code))`);
    try {
      await expect(keysWithoutClient(sut.dataSource)).resolves.toEqual(['citus_probe.ix_citus_probe_code', 'citus_probe.uq_citus_probe_code']);
      await sut.dataSource.query(`COMMENT ON CONSTRAINT uq_citus_probe_code ON citus_probe IS 'Citus: coordinator-only - a probe.'`);
      await expect(keysWithoutClient(sut.dataSource)).resolves.toEqual(['citus_probe.ix_citus_probe_code']);
      await sut.dataSource.query(`COMMENT ON TABLE citus_probe IS 'Citus: reference table - a probe.'`);
      await expect(keysWithoutClient(sut.dataSource)).resolves.toEqual([]);
    } finally {
      await sut.dataSource.query(`DROP TABLE citus_probe`);
    }
  });
});
