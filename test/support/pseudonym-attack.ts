import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { sourceHash } from '../../src/feedback/source-hash';

/** Every row of every table in the public schema, as an attacker with a database dump has it. */
export interface Dump {
  tables: Record<string, Array<Record<string, unknown>>>;
  /** Every distinct text, varchar, bytea and jsonb string value: candidate key material, as bytes. */
  materials: Buffer[];
}

const MATERIAL_TYPES = ['text', 'character varying', 'bytea', 'jsonb', 'ARRAY'];

export async function dumpDatabase(dataSource: DataSource): Promise<Dump> {
  const columns: Array<{ table_name: string; column_name: string; data_type: string }> = await dataSource.query(
    `SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
     JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'`,
  );
  const tables: Dump['tables'] = {};
  const materials = new Map<string, Buffer>();
  const collect = (value: unknown): void => {
    if (typeof value === 'string') materials.set(`t:${value}`, Buffer.from(value, 'utf8'));
    else if (value instanceof Uint8Array) materials.set(`b:${Buffer.from(value).toString('hex')}`, Buffer.from(value));
    else if (value && typeof value === 'object' && !(value instanceof Date)) Object.values(value).forEach(collect);
  };
  for (const table of new Set(columns.map((c) => c.table_name))) {
    const rows: Array<Record<string, unknown>> = await dataSource.query(`SELECT * FROM "${table}"`);
    tables[table] = rows;
    const keyish = columns.filter((c) => c.table_name === table && MATERIAL_TYPES.includes(c.data_type)).map((c) => c.column_name);
    for (const row of rows) keyish.forEach((column) => collect(row[column]));
  }
  return { tables, materials: [...materials.values()] };
}

/** Whether any value in the dump holds these bytes, raw or in a usual text encoding. */
export function dumpContains(dump: Dump, bytes: Buffer): boolean {
  const needles = [bytes, ...['hex', 'base64', 'base64url'].map((e) => Buffer.from(bytes.toString(e as BufferEncoding)))];
  return dump.materials.some((m) => needles.some((n) => m.includes(n)));
}

// SHA-256 compression in plain JS: HMAC of a short message with a fixed key is two compressions once
// the key's pad blocks are hashed, three times faster here than a createHmac per candidate.
const K = Int32Array.from(
  [0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
   0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
   0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
   0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
   0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
   0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2],
);
const IV = Int32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
const W = new Int32Array(64);

/** One compression of the block in W[0..15] from state s[so..so+7] into out[oo..oo+7]. */
function compress(s: Int32Array, so: number, out: Int32Array, oo: number): void {
  for (let i = 16; i < 64; i++) {
    const x = W[i - 15];
    const y = W[i - 2];
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
  }
  let a = s[so], b = s[so + 1], c = s[so + 2], d = s[so + 3], e = s[so + 4], f = s[so + 5], g = s[so + 6], h = s[so + 7];
  for (let i = 0; i < 64; i++) {
    const t1 = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + (g ^ (e & (f ^ g))) + K[i] + W[i]) | 0;
    const t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) | (c & (a | b)))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  // No array for the result: this runs 130,000 times per key tried.
  out[oo] = (s[so] + a) | 0;
  out[oo + 1] = (s[so + 1] + b) | 0;
  out[oo + 2] = (s[so + 2] + c) | 0;
  out[oo + 3] = (s[so + 3] + d) | 0;
  out[oo + 4] = (s[so + 4] + e) | 0;
  out[oo + 5] = (s[so + 5] + f) | 0;
  out[oo + 6] = (s[so + 6] + g) | 0;
  out[oo + 7] = (s[so + 7] + h) | 0;
}

const blocksByPrefix = new Map<string, { addresses: string[]; blocks: Int32Array }>();

/** Every address a.b.*.* as the padded second block of an HMAC message (the first is the key's pad). */
function slash16(prefix: string) {
  let cached = blocksByPrefix.get(prefix);
  if (!cached) {
    const addresses = Array.from({ length: 65_536 }, (_, i) => `${prefix}.${i >> 8}.${i & 255}`);
    const blocks = new Int32Array(addresses.length * 16);
    addresses.forEach((address, i) => {
      const block = Buffer.alloc(64);
      block.write(address, 'latin1');
      block[address.length] = 0x80;
      block.writeUInt32BE((64 + address.length) * 8, 60);
      for (let j = 0; j < 16; j++) blocks[i * 16 + j] = block.readInt32BE(j * 4);
    });
    cached = { addresses, blocks };
    blocksByPrefix.set(prefix, cached);
  }
  return cached;
}

/**
 * Tries every address of the /16 `prefix` (like "172.20") as the sender under the HMAC `key`, as an
 * attacker would, and answers the addresses whose pseudonym is among `targets`.
 */
export function bruteForceSlash16(prefix: string, key: Buffer, targets: readonly string[]): string[] {
  const { addresses, blocks } = slash16(prefix);
  // A pseudonym's first 32 bits pick out candidates; sourceHash confirms them.
  const firstWords = new Set(targets.map((t) => Buffer.from(t, 'base64url').readInt32BE(0)));
  const state = new Int32Array(32); // inner pad state, outer pad state, inner digest, outer digest
  const padded = Buffer.alloc(64);
  (key.length > 64 ? createHash('sha256').update(key).digest() : key).copy(padded);
  for (const [pad, at] of [[0x36363636, 0], [0x5c5c5c5c, 8]] as const) {
    for (let j = 0; j < 16; j++) W[j] = padded.readInt32BE(j * 4) ^ pad;
    compress(IV, 0, state, at);
  }
  const found: string[] = [];
  for (let i = 0; i < addresses.length; i++) {
    for (let j = 0; j < 16; j++) W[j] = blocks[i * 16 + j];
    compress(state, 0, state, 16);
    for (let j = 0; j < 8; j++) W[j] = state[16 + j];
    W[8] = -0x80000000; // the padding bit after the 32-byte inner digest
    for (let j = 9; j < 15; j++) W[j] = 0;
    W[15] = (64 + 32) * 8;
    compress(state, 8, state, 24);
    if (firstWords.has(state[24]) && targets.includes(sourceHash(addresses[i], key))) found.push(addresses[i]);
  }
  return found;
}
