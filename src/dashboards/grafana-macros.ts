/**
 * What Grafana does to a PostgreSQL panel's SQL before it reaches the database, so that tests and
 * bench:dashboards run the very statements Grafana would: template variables interpolated as the
 * SQL data sources' interpolateVariable does (the frontend), then the macros expanded as the
 * PostgreSQL data source's macro engine does (pkg/tsdb/grafana-postgresql-datasource/macros.go).
 * Pure; no Nest import.
 */

export interface TimeRange {
  from: Date;
  to: Date;
}

/** A template variable's current value; multi or includeAll variables quote each value. */
export interface VariableValue {
  value: string | readonly string[];
  multi?: boolean;
  includeAll?: boolean;
}

/** Go's time.RFC3339Nano of a UTC instant: trailing zeros of the fraction dropped, no fraction when whole. */
export function rfc3339Nano(at: Date): string {
  const iso = at.toISOString();
  const [seconds, fraction] = iso.slice(0, -1).split('.');
  const trimmed = (fraction ?? '').replace(/0+$/, '');
  return `${seconds}${trimmed ? `.${trimmed}` : ''}Z`;
}

/** Go's gtime.ParseInterval for the units dashboards use: s, m, h, d, w. */
export function intervalSeconds(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d|w)$/.exec(text.trim());
  if (!match) throw new Error(`error parsing interval ${text}`);
  const n = Number(match[1]);
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }[match[2] as 'ms' | 's' | 'm' | 'h' | 'd' | 'w'];
  return n * unit;
}

/** $__macro(args) as macros.go's regular expression finds them: the arguments run to the first closing parenthesis. */
const MACRO = /\$([_a-zA-Z0-9]+)\(([^)]*)\)/g;

/** Expands Grafana's PostgreSQL macros in a statement for a time range; an unknown macro or bad argument throws, as Grafana answers an error. */
export function expandMacros(sql: string, range: TimeRange): string {
  const from = rfc3339Nano(range.from);
  const to = rfc3339Nano(range.to);
  return sql.replace(MACRO, (whole: string, name: string, rawArgs: string, offset: number) => {
    const args = rawArgs.split(',').map((a) => a.trim());
    // A $__timeGroup followed by a comma is the pre-5.3 form, which aliased itself.
    const effective = name === '__timeGroup' && sql[offset + whole.length] === ',' ? '__timeGroupAlias' : name;
    const column = () => {
      if (!args[0]) throw new Error(`missing time column argument for macro ${name}`);
      return args[0];
    };
    const group = () => {
      if (args.length < 2) throw new Error(`macro ${name} needs time column and interval and optional fill value`);
      const seconds = intervalSeconds(args[1].replace(/'/g, ''));
      // Go's %v of a float64: 300, or 0.5.
      return `floor(extract(epoch from ${args[0]})/${seconds})*${seconds}`;
    };
    switch (effective) {
      case '__time':
        return `${column()} AS "time"`;
      case '__timeEpoch':
        return `extract(epoch from ${column()}) as "time"`;
      case '__timeFilter':
        return `${column()} BETWEEN '${from}' AND '${to}'`;
      case '__timeFrom':
        return `'${from}'`;
      case '__timeTo':
        return `'${to}'`;
      case '__timeGroup':
        return group();
      case '__timeGroupAlias':
        return `${group()} AS "time"`;
      case '__unixEpochFilter':
        return `${column()} >= ${Math.floor(range.from.getTime() / 1000)} AND ${args[0]} <= ${Math.floor(range.to.getTime() / 1000)}`;
      default:
        throw new Error(`unknown macro "${name}"`);
    }
  });
}

/** $name and ${name} (and ${name:format} for the formats used here: raw, sqlstring) in a statement. */
const VARIABLE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::([a-z]+))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** A value as a SQL string literal. */
const quoteLiteral = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/**
 * Interpolates template variables as Grafana's SQL data sources do: a single value with its quotes
 * doubled (the dashboard puts the quotes around it), a multi-value or include-all variable's values
 * each quoted and joined by commas. Built-in names ($__…) are left for the macros; an unknown variable is left as written, as Grafana does.
 */
export function interpolateVariables(sql: string, variables: Readonly<Record<string, VariableValue>>): string {
  return sql.replace(VARIABLE, (whole: string, braced: string | undefined, format: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare!;
    const variable = variables[name];
    if (name.startsWith('__') || !variable) return whole;
    const values = typeof variable.value === 'string' ? [variable.value] : [...variable.value];
    if (format === 'raw') return values.join(',');
    if (format === 'sqlstring' || variable.multi || variable.includeAll || typeof variable.value !== 'string') return values.map(quoteLiteral).join(',');
    return values[0].replace(/'/g, "''");
  });
}

/** The statement Grafana sends for a panel query: variables first (the frontend), then macros (the backend). */
export const grafanaStatement = (sql: string, range: TimeRange, variables: Readonly<Record<string, VariableValue>>): string =>
  expandMacros(interpolateVariables(sql, variables), range);
