import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * A Vega-Lite chart rendered to SVG on the server (Vega's headless renderer, no canvas, no script in
 * the page): the report's charts are markup, so a PDF and a mail client show them alike.
 */
export async function svgOf(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const FONT = { font: 'Helvetica, Arial, sans-serif' };

/** The experience index and the attainments by month. */
export function trendSpec(rows: ReadonlyArray<{ period: string; series: string; value: number | null }>, title: string): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 460,
    height: 160,
    config: FONT,
    data: { values: rows.filter((r) => r.value !== null) as Array<Record<string, unknown>> },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'period', type: 'ordinal', title: null },
      y: { field: 'value', type: 'quantitative', title: null, scale: { domain: [0, 100] } },
      color: { field: 'series', type: 'nominal', title: null },
    },
  };
}

/** Negative share by local weekday and hour. */
export function heatmapSpec(cells: ReadonlyArray<{ weekday: number; hour: number; value: number | null; denominator: number }>, title: string, days: readonly string[]): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 460,
    height: 140,
    config: FONT,
    data: { values: cells.filter((c) => c.value !== null).map((c) => ({ day: days[c.weekday - 1], hour: c.hour, value: Math.round(c.value! * 1000) / 10, n: c.denominator })) },
    mark: 'rect',
    encoding: {
      x: { field: 'hour', type: 'ordinal', title: null },
      y: { field: 'day', type: 'ordinal', sort: [...days], title: null },
      color: { field: 'value', type: 'quantitative', title: '%', scale: { scheme: 'reds' } },
    },
  };
}

/** Negatives per reason. */
export function reasonsSpec(rows: ReadonlyArray<{ reason: string; negatives: number }>, title: string): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 400,
    height: { step: 16 },
    config: FONT,
    data: { values: rows.map((r) => ({ ...r })) },
    mark: 'bar',
    encoding: {
      y: { field: 'reason', type: 'nominal', sort: '-x', title: null },
      x: { field: 'negatives', type: 'quantitative', title: null },
    },
  };
}
