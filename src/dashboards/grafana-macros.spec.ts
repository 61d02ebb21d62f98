import { expandMacros, grafanaStatement, interpolateVariables, rfc3339Nano } from './grafana-macros';

// The expansions of Grafana's own macro tests (macros_test.go) for this range.
const range = { from: new Date('2018-04-12T18:00:00Z'), to: new Date('2018-04-12T18:05:00.5Z') };

describe(expandMacros.name, () => {
  it('formats instants as Go RFC3339Nano in UTC', () => {
    expect(rfc3339Nano(range.from)).toBe('2018-04-12T18:00:00Z');
    expect(rfc3339Nano(range.to)).toBe('2018-04-12T18:05:00.5Z');
  });

  it('expands the time filter, range and grouping macros as the PostgreSQL data source does', () => {
    expect(expandMacros('WHERE $__timeFilter(time_column)', range)).toBe(`WHERE time_column BETWEEN '2018-04-12T18:00:00Z' AND '2018-04-12T18:05:00.5Z'`);
    expect(expandMacros('select $__timeFrom(), $__timeTo()', range)).toBe(`select '2018-04-12T18:00:00Z', '2018-04-12T18:05:00.5Z'`);
    expect(expandMacros(`SELECT $__timeGroupAlias(time_column,'5m')`, range)).toBe(`SELECT floor(extract(epoch from time_column)/300)*300 AS "time"`);
    expect(expandMacros(`GROUP BY $__timeGroup(time_column, '1d')`, range)).toBe(`GROUP BY floor(extract(epoch from time_column)/86400)*86400`);
    // Followed by a comma, $__timeGroup is the old aliasing form.
    expect(expandMacros(`SELECT $__timeGroup(time_column,'1h'), 1`, range)).toBe(`SELECT floor(extract(epoch from time_column)/3600)*3600 AS "time", 1`);
    expect(expandMacros('SELECT $__time(t)', range)).toBe('SELECT t AS "time"');
    expect(expandMacros('WHERE $__unixEpochFilter(e)', range)).toBe('WHERE e >= 1523556000 AND e <= 1523556300');
  });

  it('refuses what Grafana refuses: an unknown macro, a missing column, a bad interval', () => {
    expect(() => expandMacros('$__nope()', range)).toThrow('unknown macro "__nope"');
    expect(() => expandMacros('$__timeFilter()', range)).toThrow('missing time column');
    expect(() => expandMacros(`$__timeGroup(t, 'fortnight')`, range)).toThrow('error parsing interval');
  });
});

describe(interpolateVariables.name, () => {
  it('doubles the quotes of a single value and quotes each value of a multi-value or include-all one', () => {
    const vars = { site: { value: "o'hare" }, zone: { value: ['a', "b'c"], multi: true, includeAll: true }, period: { value: '2026-10' } };
    expect(interpolateVariables(`WHERE site = '$site' AND zone IN ($zone) AND period = '\${period}'`, vars)).toBe(
      `WHERE site = 'o''hare' AND zone IN ('a','b''c') AND period = '2026-10'`,
    );
    expect(interpolateVariables(`x = \${site:sqlstring}`, vars)).toBe(`x = 'o''hare'`);
    // Built-ins and unknown names stay for the macros, or as written.
    expect(interpolateVariables('$__timeFilter(t) $unknown', vars)).toBe('$__timeFilter(t) $unknown');
  });

  it('interpolates first, then expands macros', () => {
    expect(grafanaStatement(`WHERE $__timeFilter("time") AND site = '$site'`, range, { site: { value: 'sto' } })).toBe(
      `WHERE "time" BETWEEN '2018-04-12T18:00:00Z' AND '2018-04-12T18:05:00.5Z' AND site = 'sto'`,
    );
  });
});
