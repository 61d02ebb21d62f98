import type { Builder, Dataquery } from '@grafana/grafana-foundation-sdk/cog';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';

/** Grafana's PostgreSQL data source type. */
export const POSTGRES_TYPE = 'grafana-postgresql-datasource';

/** How Grafana reads a query's rows: a table, or time series (a "time" column, then values). */
export type SqlFormat = 'table' | 'time_series';

/** A PostgreSQL panel query as Grafana stores it: raw SQL in code mode. The SDK has no builder for it. */
export interface SqlQuery extends Dataquery {
  refId: string;
  hide?: boolean;
  datasource?: DataSourceRef;
  rawSql: string;
  rawQuery: true;
  editorMode: 'code';
  format: SqlFormat;
}

/** The SDK's way to an unsupported query type (its "custom query type" how-to): a typed builder of our own. */
export class SqlQueryBuilder implements Builder<Dataquery> {
  private readonly internal: SqlQuery;

  constructor(rawSql: string) {
    this.internal = { refId: 'A', rawSql, rawQuery: true, editorMode: 'code', format: 'table', _implementsDataqueryVariant() {} };
  }

  build(): SqlQuery {
    return this.internal;
  }

  refId(refId: string): this {
    this.internal.refId = refId;
    return this;
  }

  format(format: SqlFormat): this {
    this.internal.format = format;
    return this;
  }

  datasource(datasource: DataSourceRef): this {
    this.internal.datasource = datasource;
    return this;
  }

  hide(hide: boolean): this {
    this.internal.hide = hide;
    return this;
  }
}
