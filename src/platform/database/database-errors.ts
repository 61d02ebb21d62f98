/**
 * Whether an error says the database is away (retry later) rather than that it refused the data
 * (retrying would fail forever). Pure: reads codes and messages of pg, PGlite, TypeORM and Node.
 */
const AWAY_SQLSTATE_CLASSES = ['08', '53', '57', '58'];
/** Serialization failure, deadlock, lock not available, query cancelled: the same statement may pass next time. */
const AWAY_SQLSTATES = ['40001', '40P01', '55P03', '57014'];
const AWAY_ERRNOS = ['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN'];
const AWAY_MESSAGES =
  /connection terminated|terminating connection|connection (?:refused|reset|closed|error)|not connected|timeout exceeded when trying to connect|is not queryable|after calling end on the pool|pglite is closed|database system is (?:starting up|shutting down)|the database is away/i;

/** The dead-letter detail of a message the database refused: its own words. */
export function storageRefusal(error: unknown): string {
  return `storage refused the message: ${error instanceof Error ? error.message : String(error)}`;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string') {
      if (/^[0-9A-Z]{5}$/.test(code)) {
        if (AWAY_SQLSTATE_CLASSES.includes(code.slice(0, 2)) || AWAY_SQLSTATES.includes(code)) return true;
        // A SQLSTATE of another class is the database's verdict on the statement or its data.
        return false;
      }
      if (AWAY_ERRNOS.includes(code)) return true;
    }
    if (typeof message === 'string' && AWAY_MESSAGES.test(message)) return true;
    // TypeORM wraps the driver's error; Node wraps causes.
    e = (e as { driverError?: unknown }).driverError ?? (e as { cause?: unknown }).cause;
  }
  return false;
}
