/**
 * Positional parameters for hand-written SQL built from optional filters: `bind(value)` keeps the
 * value and returns its placeholder ($1, $2, …), so text and values cannot drift apart.
 */
export class SqlParams {
  readonly values: unknown[];

  constructor(...first: unknown[]) {
    this.values = first;
  }

  bind(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** `WHERE a AND b`, or nothing when there are no conditions. */
export const whereAll = (conditions: readonly string[]): string => (conditions.length ? `WHERE ${conditions.join(' AND ')}` : '');

/**
 * A PostgreSQL array literal for values that never need quoting: finite numbers, uuids, plain
 * identifiers (for a `$1::float8[]`-style parameter). node-postgres quotes and escapes every element
 * of a JS array with two regular expressions; for a batch of thousands of sensor readings that was
 * a few per cent of the whole ingest CPU.
 */
export const plainArrayLiteral = (values: ReadonlyArray<number | string>): string => `{${values.join(',')}}`;
