import type { Language } from '../../catalog/catalog.types';
import { html, trusted } from './html';
import { MESSAGES } from './messages';
import { pageDocument, type RenderedPage } from './page-document';

export interface Poster {
  zoneName: string;
  url: string;
  svg: string;
}

const CSS = `@page{size:A4;margin:0}
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#fff}
.poster{width:210mm;height:297mm;padding:22mm 20mm;display:flex;flex-direction:column;align-items:center;justify-content:space-between;text-align:center;break-after:page;page-break-after:always;overflow:hidden}
.poster:last-child{break-after:auto;page-break-after:auto}
.zone{font-size:30pt;margin:0}
.site{font-size:14pt;color:#4b5563;margin:2mm 0 0}
.cta{font-size:34pt;font-weight:700;margin:0}
.qr svg{display:block;width:120mm;height:120mm}
.scan{font-size:16pt;margin:0}
.small{font-size:11pt;color:#4b5563;margin:2mm 0 0;word-break:break-all}
.none{padding:2rem}
@media screen{body{background:#e5e7eb}.poster{margin:1rem auto;background:#fff;box-shadow:0 1px 6px rgba(0,0,0,.25)}}`;

/** Printable A4 posters, one per QR touchpoint of a site, in the site's language. */
export function renderPosters(site: { name: string; language: Language }, posters: Poster[], nonce: string): RenderedPage {
  const m = MESSAGES[site.language];
  const sheets = posters.map(
    (p) => html`<section class="poster">
<header><h1 class="zone">${p.zoneName}</h1><p class="site">${site.name}</p></header>
<p class="cta">${m.poster.callToAction}</p>
<div class="qr">${trusted(p.svg)}</div>
<footer><p class="scan">${m.poster.scanHint}</p><p class="small">${m.poster.anonymous}</p><p class="small">${p.url}</p></footer>
</section>`,
  );
  const body = posters.length ? html`${sheets}` : html`<p class="none">No QR touchpoints at ${site.name}.</p>`;
  return { status: 200, language: site.language, nonce, body: pageDocument({ language: site.language, title: `QR – ${site.name}`, nonce, css: CSS, body }) };
}
