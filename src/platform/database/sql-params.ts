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
