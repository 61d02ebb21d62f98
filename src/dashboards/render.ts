import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import type { Builder } from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import type { Language } from '../catalog/catalog.types';
import { DATASOURCE_UID, type DashboardSpec, type PanelSpec } from './dashboards';
import { POSTGRES_TYPE, SqlQueryBuilder } from './sql-query';
import { TEXTS } from './texts';

export const DATASOURCE = { type: POSTGRES_TYPE, uid: DATASOURCE_UID } as const;

type AnyPanelBuilder = stat.PanelBuilder | table.PanelBuilder | timeseries.PanelBuilder | bargauge.PanelBuilder;

const builderOf = (kind: PanelSpec['kind']): AnyPanelBuilder =>
  ({ stat: () => new stat.PanelBuilder(), table: () => new table.PanelBuilder(), timeseries: () => new timeseries.PanelBuilder(), bargauge: () => new bargauge.PanelBuilder() })[kind]();

/** A panel's title in a language. */
function titleOf(spec: PanelSpec, language: Language): string {
  const texts = TEXTS[language];
  return typeof spec.title === 'string' ? texts[spec.title] : `${texts[spec.title.text]}: ${spec.title.suffix}`;
}

function panelOf(spec: PanelSpec, language: Language): Builder<dashboard.Panel> {
  const panel = builderOf(spec.kind)
    .id(spec.id)
    .title(titleOf(spec, language))
    .datasource(DATASOURCE)
    .gridPos({ x: 0, y: 0, w: spec.w, h: spec.h })
    .withTarget(new SqlQueryBuilder(spec.sql).format(spec.format).datasource(DATASOURCE));
  if (spec.unit) panel.unit(spec.unit);
  if (spec.thresholds) panel.thresholds(new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(spec.thresholds));
  if (spec.objective) panel.description(`Objective ${spec.objective}: value with numerator, denominator and sample; red beyond its target.`);
  return panel;
}

/**
 * A dashboard as Grafana's JSON model, built with the foundation SDK: panels laid out in order
 * (the SDK places each after the last), variables read from the reporting schema, links to the
 * contract's other dashboards. The same input gives the same JSON.
 */
export function renderDashboard(spec: DashboardSpec, language: Language): dashboard.Dashboard {
  const texts = TEXTS[language];
  const title = spec.contract ? `${texts[spec.title]} · ${spec.contract.name}` : `XLA Monitor · ${texts[spec.title]}`;
  const builder = new dashboard.DashboardBuilder(title)
    .uid(spec.uid)
    .tags(spec.tags)
    .editable()
    .time({ from: spec.timeFrom, to: 'now' })
    .timezone('browser')
    .refresh('5m')
    .link(new dashboard.DashboardLinkBuilder(texts.contractOverview).type(dashboard.DashboardLinkType.Dashboards).tags(spec.linkTags).asDropdown(true).includeVars(false).keepTime(true));
  for (const v of spec.variables) {
    builder.withVariable(
      new dashboard.QueryVariableBuilder(v.name)
        .label(texts[v.label])
        .datasource(DATASOURCE)
        .query(v.query)
        .definition(v.query)
        .refresh(dashboard.VariableRefresh.OnDashboardLoad)
        .multi(v.multi ?? false)
        .includeAll(v.includeAll ?? false),
    );
  }
  for (const panel of spec.panels) builder.withPanel(panelOf(panel, language));
  return builder.build();
}

/** A dashboard's JSON as written to files and compared on republishing: two-space indented, a newline at the end. */
export const dashboardJson = (model: dashboard.Dashboard): string => `${JSON.stringify(model, null, 2)}\n`;
