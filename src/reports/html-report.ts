import { TARGET_RANGES, type IndicatorKey } from '../catalog/catalog.types';
import { html, trusted, type SafeHtml } from '../feedback/pages/html';
import { heatmapSpec, reasonsSpec, svgOf, trendSpec } from './charts';
import { objectivesMet, type ReportModel } from './report';
import { REPORT_TEXTS } from './report-texts';

const DAYS: Record<string, string[]> = {
  en: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
  sv: ['mån', 'tis', 'ons', 'tor', 'fre', 'lör', 'sön'],
  da: ['man', 'tir', 'ons', 'tor', 'fre', 'lør', 'søn'],
  nb: ['man', 'tir', 'ons', 'tor', 'fre', 'lør', 'søn'],
  fi: ['ma', 'ti', 'ke', 'to', 'pe', 'la', 'su'],
  de: ['Mo', 'Di', 'Mi', 'Do', 'Fr', 'Sa', 'So'],
};

/** A figure as people read it: shares as per cent, points as points, with one decimal; none is a dash. */
export function formatValue(indicator: string, value: number | null, language: string): string {
  if (value === null) return '–';
  const share = (TARGET_RANGES[indicator as IndicatorKey]?.max ?? 0) === 1;
  const n = new Intl.NumberFormat(language, { maximumFractionDigits: 1, minimumFractionDigits: 1 }).format(share ? value * 100 : value);
  return share ? `${n} %` : n;
}

/** A count or a sum of minutes as people read it: grouped, at most one decimal (the exact figures are in the CSV and the API). */
export function formatCount(value: number, language: string): string {
  return new Intl.NumberFormat(language, { maximumFractionDigits: 1 }).format(value);
}

const pct = (value: number | null, language: string) => (value === null ? '–' : `${new Intl.NumberFormat(language, { maximumFractionDigits: 0 }).format(value * 100)} %`);

/** What the live scorecard page adds to the report: a refresh and links to the other months. */
export interface LiveOptions {
  refreshSeconds: number;
  /** The nonce of the page's one script (its Content-Security-Policy allows that script only). */
  nonce: string;
  /** The months the link shows, newest first, each with its link (the current one first). */
  months: Array<{ period: string; href: string; current: boolean }>;
}

/**
 * The report as one HTML page: print CSS for A4, charts as inline SVG, no script. With `live`, the
 * same page is the share link's scorecard: it links the months, and one small script fetches it
 * again each minute and swaps in the new figures, in place (no reload: the reader keeps their
 * place), until the reader pauses it — a timed page reload would fail WCAG 2.2.1.
 */
export async function reportHtml(model: ReportModel, live?: LiveOptions): Promise<string> {
  const t = REPORT_TEXTS[model.language];
  const { card } = model;
  const lang = model.language;
  const met = objectivesMet(card.attainment);
  const status = (s: string, insufficient?: { sample: number; minSample: number }) =>
    html`<span class="status ${s}">${t.statuses[s as keyof typeof t.statuses] ?? s}${insufficient ? ` (n ${formatCount(insufficient.sample, lang)} ${t.of} ${formatCount(insufficient.minSample, lang)})` : ''}</span>`;
  const trendTitle = card.window.kind === 'calendar_month' ? t.trend : t.trendPeriods;
  const trendRows = model.trend.flatMap((m) => [
    { period: m.period, series: t.experienceIndex, value: m.experienceIndex },
    { period: m.period, series: t.xlaAttainment, value: m.xla === null ? null : m.xla * 100 },
    { period: m.period, series: t.slaAttainment, value: m.sla === null ? null : m.sla * 100 },
  ]);
  // A chart with nothing to draw says so: Vega sizes an empty line chart at Number.MAX_VALUE, which no printer survives.
  const none = (title: string) => Promise.resolve(html`<p class="muted">${title}: ${t.insufficientData}</p>`.value);
  const [trendSvg, heatmapSvg, reasonsSvg] = await Promise.all([
    trendRows.some((r) => r.value !== null) ? svgOf(trendSpec(trendRows, trendTitle)) : none(trendTitle),
    model.heatmap?.cells.some((c) => c.value !== null) ? svgOf(heatmapSpec(model.heatmap.cells, t.heatmap, DAYS[lang])) : none(t.heatmap),
    model.drivers?.reasons.length ? svgOf(reasonsSpec(model.drivers.reasons.map((r) => ({ reason: r.reason, negatives: r.negatives })), t.reasons)) : none(t.reasons),
  ]);
  const objectiveRows = card.objectives.map(
    (o) => html`<tr>
      <td>${o.key}</td><td class="kind">${o.kind.toUpperCase()}</td><td>${o.indicator}</td>
      <td class="num">${formatValue(o.indicator, o.value, lang)}</td><td class="num">${formatValue(o.indicator, o.target, lang)}</td>
      <td class="num">${formatCount(o.numerator, lang)} / ${formatCount(o.denominator, lang)}</td><td class="num">${formatCount(o.sample, lang)}</td><td>${status(o.status, o.insufficientData)}</td></tr>`,
  );
  const ranks = new Map(card.benchmark.sites.map((b) => [b.site, b.rank]));
  const siteRows = card.sites.map(
    (s) => html`<tr class="${s.watermelon ? 'watermelon' : ''}" data-site="${s.site}">
      <td>${s.site}${s.watermelon ? html` <span class="melon" title="${t.watermelonExplained}">${t.watermelon}</span>` : ''}</td>
      <td class="num">${ranks.get(s.site) ?? '–'}</td>
      <td class="num">${formatValue('happy_index', s.experienceIndex.value, lang)}</td><td class="num">${formatCount(s.experienceIndex.n, lang)}</td>
      <td class="num">${pct(s.attainment.xla.value, lang)}</td><td class="num">${pct(s.attainment.sla.value, lang)}</td></tr>`,
  );
  const melons = card.watermelons.length
    ? html`<table><thead><tr><th>${t.site}</th><th>XLA</th><th>SLA</th></tr></thead><tbody>${card.watermelons.map(
        (w) => html`<tr class="watermelon"><td>${w.site}</td><td>${w.breachedXla.map((o) => `${o.key} ${formatValue(o.indicator, o.value, lang)} (n ${formatCount(o.sample, lang)})`).join(', ')}</td>
          <td>${w.metSla.map((o) => `${o.key} ${formatValue(o.indicator, o.value, lang)} (n ${formatCount(o.sample, lang)})`).join(', ')}</td></tr>`,
      )}</tbody></table>`
    : html`<p>${t.noWatermelons}</p>`;
  const drivers = (model.drivers?.drivers ?? []).map(
    (d) => html`<tr><td>${d.condition}</td><td class="num">${d.k1} / ${d.n1}</td><td class="num">${d.k0} / ${d.n0}</td>
      <td class="num">${d.lift === null ? '–' : d.lift.toFixed(2)}</td><td class="num">${d.excessNegatives === null ? '–' : Math.round(d.excessNegatives)}</td></tr>`,
  );
  const themes = (model.drivers?.themes.themes ?? []).map(
    (th) => html`<div class="theme"><h3>${th.theme} <small>(${th.count})</small></h3><ul>${th.examples.slice(0, 3).map((e) => html`<li>“${e}”</li>`)}</ul></div>`,
  );
  const excluded = Object.entries(model.drivers?.ratings.excluded.byReason ?? {}).map(([reason, n]) => html`<li>${reason}: ${n}</li>`);
  const operationRows = (['cleaningOnTime', 'incidentResponse', 'incidentResolution'] as const).map((name) => {
    const f = card.operations[name];
    return html`<tr data-operation="${name}"><td>${t.operations[name]}</td><td class="num">${formatValue(f.indicator, f.value, lang)}</td><td class="num">${formatCount(f.numerator, lang)} / ${formatCount(f.denominator, lang)}</td></tr>`;
  });
  const slaBySite = card.sites.flatMap((s) =>
    s.objectives
      .filter((o) => o.kind === 'sla')
      .map((o) => html`<tr><td>${s.site}</td><td>${o.key}</td><td class="num">${formatValue(o.indicator, o.value, lang)}</td><td class="num">${formatCount(o.numerator, lang)} / ${formatCount(o.denominator, lang)}</td><td>${status(o.status)}</td></tr>`),
  );
  const uptime = card.operations.deviceUptime;
  // A table per site: each of its objectives, as the site's scorecard gives it.
  const siteTables = card.sites.map(
    (s) => html`<section class="site" data-site="${s.site}"><h3>${s.site}${s.watermelon ? html` <span class="melon">${t.watermelon}</span>` : ''}</h3>
  <table><thead><tr><th>${t.objective}</th><th class="num">${t.value}</th><th class="num">k / n</th><th class="num">${t.sample}</th><th>${t.status}</th></tr></thead>
  <tbody>${s.objectives.map((o) => html`<tr><td>${o.key}</td><td class="num">${formatValue(o.indicator, o.value, lang)}</td><td class="num">${formatCount(o.numerator, lang)} / ${formatCount(o.denominator, lang)}</td><td class="num">${formatCount(o.sample, lang)}</td><td>${status(o.status)}</td></tr>`)}</tbody></table></section>`,
  );
  const heading = live ? t.live.title : t.title;
  const subject = model.site ? `${model.site} · ${model.contract.name}` : model.contract.name;
  const insightSections = model.drivers
    ? html`<section id="drivers"><h2>${t.drivers}</h2>
  <table><thead><tr><th>${t.condition}</th><th class="num">k₁ / n₁</th><th class="num">k₀ / n₀</th><th class="num">${t.lift}</th><th class="num">+</th></tr></thead><tbody>${drivers}</tbody></table>
  <div class="chart">${trusted(reasonsSvg)}</div>
  <div class="chart">${trusted(heatmapSvg)}</div></section>
<section id="comments"><h2>${t.comments}</h2>${themes}</section>
<section id="coverage"><h2>${t.coverage}</h2><ul><li>${t.rated}: ${model.drivers.ratings.rated}</li><li>${t.excluded}: ${model.drivers.ratings.excluded.total}<ul>${excluded}</ul></li>
  <li data-operation="deviceUptime">${t.operations.deviceUptime}: ${formatValue('device_uptime', uptime.value, lang)} (${formatCount(uptime.numerator, lang)} / ${formatCount(uptime.denominator, lang)} min)</li></ul></section>
`
    : html`<p class="muted" id="contract-wide">${t.live.siteNote}</p>`;
  return html`<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${heading} – ${subject} – ${model.period}</title>
<style>
  @page { size: A4; margin: 18mm 14mm 20mm; }
  body { font: 10.5pt/1.4 Helvetica, Arial, sans-serif; color: #1b1b1b; max-width: 190mm; margin: 0 auto; }
  h3 { font-size: 11pt; margin: 4mm 0 1mm; break-after: avoid; } section.site { break-inside: avoid; }
  h1 { font-size: 18pt; margin: 0 0 2mm; } h2 { font-size: 13pt; margin: 7mm 0 2mm; border-bottom: 1px solid #ccc; break-after: avoid; }
  table { border-collapse: collapse; width: 100%; margin: 2mm 0; } th, td { padding: 1.2mm 2mm; border-bottom: 1px solid #e3e3e3; text-align: left; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; } table { font-size: 9.5pt; } td { overflow-wrap: anywhere; } td.kind, .status { white-space: nowrap; }
  tr, svg, .figure, .theme { break-inside: avoid; page-break-inside: avoid; }
  .figures { display: flex; gap: 4mm; } .figure { flex: 1; border: 1px solid #ddd; border-radius: 2mm; padding: 3mm; }
  .figure b { display: block; font-size: 16pt; } .status.breached { color: #b3261e; font-weight: 600; } .status.met { color: #1e7b34; }
  .status.at_risk { color: #a15c00; } .status.insufficient_data { color: #666; font-style: italic; }
  tr.watermelon td:first-child { border-left: 3px solid #d33; } .melon { color: #b3261e; font-weight: 600; white-space: nowrap; }
  .melon::before { content: ''; display: inline-block; width: .8em; height: .8em; margin-right: .3em; vertical-align: -.05em; border-radius: 50%; background: radial-gradient(circle, #e0383e 58%, #2e7d32 60%); }
  section.method { break-before: page; } .muted { color: #595959; } .vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  button { font: inherit; min-height: 2.2em; padding: 0 .8em; } :focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
  @media print { nav.months, #pause { display: none; } }
  nav.months ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 2mm 4mm; } nav.months a { color: #0b57d0; }
  @media screen { body { padding: 0 4mm; } }
</style></head>
<body>
<header><h1>${heading}</h1><p>${subject} · ${model.contract.client} · ${model.contract.provider}<br>${t.period}: <b>${model.period}</b> <span class="muted" id="generated">(${model.generatedAt})</span></p>
${live ? html`<p class="muted">${t.live.refresh} <button type="button" id="pause" aria-pressed="false" data-pause="${t.live.pause}" data-resume="${t.live.resume}">${t.live.pause}</button></p><nav class="months" aria-label="${t.live.earlier}"><ul>${live.months.map((m) => html`<li><a href="${m.href}"${m.current ? html` aria-current="page"` : ''}>${m.period}</a></li>`)}</ul></nav>` : ''}</header>
<main>
<section id="summary"><h2>${t.summary}</h2>
  <div class="figures">
    <div class="figure" data-figure="experience-index">${t.experienceIndex}<b>${formatValue('happy_index', card.experienceIndex.value, lang)}</b><span class="muted">n ${formatCount(card.experienceIndex.n, lang)}</span></div>
    <div class="figure" data-figure="xla-attainment">${t.xlaAttainment}<b>${pct(card.attainment.xla.value, lang)}</b><span class="muted">${card.attainment.xla.met.length} ${t.of} ${card.attainment.xla.met.length + card.attainment.xla.notMet.length}</span></div>
    <div class="figure" data-figure="sla-attainment">${t.slaAttainment}<b>${pct(card.attainment.sla.value, lang)}</b><span class="muted">${card.attainment.sla.met.length} ${t.of} ${card.attainment.sla.met.length + card.attainment.sla.notMet.length}</span></div>
    <div class="figure" data-figure="objectives-met">${t.objectivesMet}<b>${met.met} ${t.of} ${met.of}</b>${met.insufficient ? html`<span class="muted">+ ${met.insufficient} ${t.insufficientData}</span>` : ''}</div>
  </div>
  <div class="chart">${trusted(trendSvg)}</div>
</section>
<section id="objectives"><h2>${t.objectives}</h2>
  <table><thead><tr><th>${t.objective}</th><th><span class="vh">XLA / SLA</span></th><th>${t.indicator}</th><th class="num">${t.value}</th><th class="num">${t.target}</th><th class="num">k / n</th><th class="num">${t.sample}</th><th>${t.status}</th></tr></thead>
  <tbody>${objectiveRows}</tbody></table></section>
<section id="watermelons"><h2>${t.watermelons}</h2><p class="muted">${t.watermelonExplained}</p>${melons}</section>
<section id="sites"><h2>${t.sites}</h2>
  <table><thead><tr><th>${t.site}</th><th class="num">${t.rank}</th><th class="num">${t.experienceIndex}</th><th class="num">${t.sample}</th><th class="num">XLA</th><th class="num">SLA</th></tr></thead>
  <tbody>${siteRows}</tbody></table></section>
<section id="service"><h2>${t.serviceDelivery}</h2>
  <table><thead><tr><th>${t.indicator}</th><th class="num">${t.value}</th><th class="num">k / n</th></tr></thead><tbody>${operationRows}</tbody></table>
  ${slaBySite.length ? html`<table><thead><tr><th>${t.site}</th><th>${t.objective}</th><th class="num">${t.value}</th><th class="num">k / n</th><th>${t.status}</th></tr></thead><tbody>${slaBySite}</tbody></table>` : ''}</section>
${insightSections}
<section id="site-details"><h2>${t.siteDetails}</h2>${siteTables}</section>
<section class="method" id="methodology"><h2>${t.methodology}</h2><ul>${t.method.map((m) => html`<li>${m}</li>`)}</ul></section>
</main>
${live ? html`<script nonce="${live.nonce}" data-refresh-seconds="${live.refreshSeconds}">${trusted(LIVE_SCRIPT)}</script>` : ''}
</body></html>`.value;
}

/**
 * The live page's one script: each interval, unless paused or hidden, it fetches the page again
 * and swaps in its <main> and time stamp. A failed fetch leaves the page as it is until the next.
 */
const LIVE_SCRIPT = `(() => {
  const script = document.currentScript;
  const every = Number(script.dataset.refreshSeconds) * 1000;
  const button = document.getElementById('pause');
  let paused = false;
  button.addEventListener('click', () => {
    paused = !paused;
    button.setAttribute('aria-pressed', String(paused));
    button.textContent = paused ? button.dataset.resume : button.dataset.pause;
  });
  setInterval(async () => {
    if (paused || document.hidden) return;
    try {
      const response = await fetch(location.href, { cache: 'no-store', credentials: 'omit' });
      if (!response.ok) return;
      const next = new DOMParser().parseFromString(await response.text(), 'text/html');
      for (const selector of ['main', '#generated']) {
        const fresh = next.querySelector(selector);
        if (fresh) document.querySelector(selector).replaceWith(fresh);
      }
    } catch {}
  }, every);
})();`;

export type { SafeHtml };
