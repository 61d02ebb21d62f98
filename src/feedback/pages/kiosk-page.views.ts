import type { TouchpointView } from '../../catalog/catalog.types';
import { html } from './html';
import { MESSAGES } from './messages';
import { BASE_CSS, pageDocument, type RenderedPage } from './page-document';
import { KIOSK_PAGE_SCRIPT } from './kiosk-page.client';
import type { PageScope } from './rating-page.views';
import { questionOf, scaleButtons } from './scale-buttons';

/** Seconds the thank-you stays up after a plain form post before the page asks again. */
const NO_SCRIPT_RESET_S = 4;

const CSS = `${BASE_CSS}
html,body{height:100%}
body{font-size:24px;overflow:hidden;user-select:none;-webkit-user-select:none;touch-action:manipulation}
main{height:100%;max-width:none;display:flex;flex-direction:column;align-items:center;justify-content:center;text-align:center;padding:2vmin}
h1{font-size:4vmin;margin:0 0 1vmin;color:#4b5563;font-weight:600}
fieldset{border:0;margin:0;padding:0;min-width:0}
legend{font-size:6.5vmin;font-weight:700;margin:0 auto 5vmin;padding:0}
.faces{display:flex;gap:3vmin;justify-content:center}
.face{width:19vmin;height:19vmin;min-width:72px;min-height:72px;padding:0;border:0;border-radius:50%;background:none;cursor:pointer}
.face svg{display:block;width:100%;height:100%}
.face:active{transform:scale(.92)}
.nps{display:flex;flex-wrap:wrap;gap:1.5vmin;justify-content:center;max-width:90vw}
.num{width:10vmin;height:10vmin;min-width:64px;min-height:64px;font:inherit;font-size:4.5vmin;font-weight:700;color:#1b1f24;background:#fff;border:3px solid #4b5563;border-radius:1.5vmin;cursor:pointer}
.ends{display:flex;justify-content:space-between;gap:2rem;font-size:2.5vmin;color:#4b5563}
.big{font-size:14vmin;font-weight:700;margin:0;color:#1e6b2f}
.after{font-size:5vmin;margin:1vmin 0 0}`;

/** The full-screen kiosk: the scale, then a short thank-you, then the scale again. */
export function renderKioskPage(scope: PageScope, state: { id: string; thanked?: boolean; status?: number }): RenderedPage {
  const m = MESSAGES[scope.language];
  const tp: TouchpointView = scope.touchpoint;
  const path = `/k/${encodeURIComponent(tp.token)}`;
  const thanked = Boolean(state.thanked);
  const body = html`<main id="kiosk" data-token="${tp.token}">
<section id="k-rate"${thanked ? html` hidden` : ''}>
<h1>${tp.zoneName}</h1>
<form id="rate" method="post" action="${path}">
<input type="hidden" name="id" value="${state.id}"><input type="hidden" name="lang" value="${scope.language}">
<fieldset><legend>${questionOf(tp.scale, m)}</legend>${scaleButtons(tp.scale, m)}</fieldset>
</form>
</section>
<section id="k-thanks" role="status"${thanked ? '' : html` hidden`}>
<p class="big">${m.kioskThanks}</p>
<p class="after">${m.kioskThanksBody}</p>
</section>
</main>`;
  const head = thanked ? html`<meta http-equiv="refresh" content="${NO_SCRIPT_RESET_S};url=${path}?lang=${scope.language}">\n` : undefined;
  return {
    status: state.status ?? 200,
    language: scope.language,
    nonce: scope.nonce,
    body: pageDocument({ language: scope.language, title: `${questionOf(tp.scale, m)} – ${tp.zoneName}`, nonce: scope.nonce, css: CSS, body, script: thanked ? undefined : KIOSK_PAGE_SCRIPT, head }),
  };
}
