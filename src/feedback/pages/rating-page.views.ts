import { LANGUAGES, type Language, type TouchpointView } from '../../catalog/catalog.types';
import { INCIDENT_CATEGORIES, reasonsFor, type Polarity } from '../reasons';
import { html, type SafeHtml } from './html';
import { MESSAGES, reasonLabel, type Messages } from './messages';
import { BASE_CSS, pageDocument, type RenderedPage } from './page-document';
import { RATING_PAGE_SCRIPT } from './rating-page.client';
import { questionOf, scaleButtons } from './scale-buttons';
import { COMMENT_MAX } from '../rating-rules';

const CSS = `${BASE_CSS}
fieldset{border:0;padding:0;margin:0 0 1rem;min-width:0}
legend{font-size:1.25rem;font-weight:600;padding:0;margin-bottom:.75rem}
.faces{display:flex;gap:.5rem;justify-content:space-between}
.face{flex:1 1 0;min-width:48px;min-height:48px;max-width:5.5rem;aspect-ratio:1;padding:.2rem;border:0;border-radius:50%;background:none;cursor:pointer}
.face svg{display:block;width:100%;height:100%}
.face:hover svg,.face:focus-visible svg{transform:scale(1.06)}
.nps{display:grid;grid-template-columns:repeat(6,1fr);gap:.5rem}
.num{min-height:48px;font:inherit;font-size:1.25rem;font-weight:600;color:#1b1f24;background:#fff;border:2px solid #4b5563;border-radius:.5rem;cursor:pointer}
.ends{display:flex;justify-content:space-between;gap:1rem;font-size:.9rem;color:#4b5563}
.chips{display:flex;flex-wrap:wrap;gap:.5rem}
.chip{display:inline-flex;align-items:center;gap:.5rem;min-height:48px;padding:.4rem 1rem;border:2px solid #4b5563;border-radius:1.5rem;cursor:pointer}
.chip input{width:1.25rem;height:1.25rem;margin:0;accent-color:#0b57d0}
.chip:has(input:checked){border-color:#0b57d0;background:#e8f0fe}
label.block{display:block;font-weight:600;margin-top:1rem}
textarea{display:block;width:100%;min-height:6rem;font:inherit;padding:.5rem;border:2px solid #4b5563;border-radius:.5rem}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin-top:1rem}
.actions button{min-height:48px;padding:.5rem 1.5rem;font:inherit;font-weight:600;border:2px solid #0b57d0;border-radius:.5rem;cursor:pointer}
.primary{color:#fff;background:#0b57d0}
.secondary{color:#0b57d0;background:#fff}
.saved{font-weight:600;color:#1e6b2f}
.langs ul{display:flex;flex-wrap:wrap;gap:0 .25rem;list-style:none;margin:0;padding:0;font-size:.95rem}
.langs a{display:inline-flex;align-items:center;min-height:48px;padding:0 .5rem}
.langs a[aria-current]{font-weight:700;color:#1b1f24;text-decoration:none}
.more{margin-top:1.5rem}
.more a{display:inline-flex;align-items:center;min-height:48px}`;

/** What every screen of one touchpoint's page needs. */
export interface PageScope {
  touchpoint: TouchpointView;
  language: Language;
  nonce: string;
}

const ratePath = (tp: TouchpointView) => `/r/${encodeURIComponent(tp.token)}`;
const messagesOf = (scope: { language: Language }): Messages => MESSAGES[scope.language];

function languageSwitcher(current: Language): SafeHtml {
  const m = MESSAGES[current];
  const links = LANGUAGES.map(
    (l) =>
      html`<li><a href="?lang=${l}" lang="${l}" hreflang="${l}"${l === current ? html` aria-current="true"` : ''}>${MESSAGES[l].languageName}</a></li>`,
  );
  return html`<nav class="langs" aria-label="${m.languageLabel}"><ul>${links}</ul></nav>`;
}

const errorBox = (message: string | undefined) => (message ? html`<p class="error" role="alert">${message}</p>` : '');

function page(scope: { language: Language; nonce: string }, status: number, title: string, body: SafeHtml, script?: string): RenderedPage {
  return { status, language: scope.language, nonce: scope.nonce, body: pageDocument({ language: scope.language, title, nonce: scope.nonce, css: CSS, body, script }) };
}

function commentField(m: Messages, label: string, value = ''): SafeHtml {
  return html`<label class="block" for="comment">${label}</label><p class="hint" id="comment-hint">${m.commentHint}</p><textarea id="comment" name="comment" rows="3" maxlength="${COMMENT_MAX}" aria-describedby="comment-hint">${value}</textarea>`;
}

function reasonChips(scope: PageScope, side: 'negative' | 'positive', checked: readonly string[]): SafeHtml {
  const m = messagesOf(scope);
  return html`<div class="chips">${reasonsFor(scope.touchpoint.reasonSets, side).map(
    (code) => html`<label class="chip"><input type="checkbox" name="reasons" value="${code}"${checked.includes(code) ? html` checked` : ''}><span>${reasonLabel(m, code)}</span></label>`,
  )}</div>`;
}

/**
 * Screen 2. For the script it is rendered hidden with both chip sides (it keeps the side the
 * receipt's polarity asks for); after a plain form post it is rendered with the one side.
 */
function followUpSection(scope: PageScope, state: { id: string; score?: number; polarity?: Polarity; error?: string; reasons?: string[]; comment?: string }): SafeHtml {
  const m = messagesOf(scope);
  const { polarity } = state;
  const sides: Array<'negative' | 'positive'> = polarity ? [polarity === 'positive' ? 'positive' : 'negative'] : ['negative', 'positive'];
  const fieldsets = sides.map((side) => {
    const question = side === 'positive' ? m.followUp.positive : polarity === 'neutral' ? m.followUp.neutral : m.followUp.negative;
    const data = side === 'negative' ? html` data-negative="${m.followUp.negative}" data-neutral="${m.followUp.neutral}"` : '';
    return html`<fieldset data-side="${side}"${polarity ? '' : html` hidden`}><legend${data}>${question}</legend><p class="hint">${m.followUpHint}</p>${reasonChips(scope, side, state.reasons ?? [])}</fieldset>`;
  });
  return html`<section id="s-follow"${polarity ? '' : html` hidden`} aria-labelledby="saved">
<p class="saved" id="saved" tabindex="-1" role="status">${m.saved}</p>
${errorBox(state.error)}
<form id="follow" method="post" action="${ratePath(scope.touchpoint)}/follow-up">
<input type="hidden" name="id" value="${state.id}"><input type="hidden" name="score" value="${state.score ?? ''}"><input type="hidden" name="lang" value="${scope.language}">
${fieldsets}
${commentField(m, m.commentLabel, state.comment)}
<div class="actions"><button type="submit" class="primary">${m.send}</button><button type="submit" class="secondary" name="skip" value="1">${m.skip}</button></div>
</form>
</section>`;
}

function thanksSection(scope: PageScope, options: { hidden: boolean; note?: string }): SafeHtml {
  const m = messagesOf(scope);
  return html`<section id="s-thanks"${options.hidden ? html` hidden` : ''}>
<h1 tabindex="-1">${m.thanksTitle}</h1>
${options.note ? html`<p class="muted">${options.note}</p>` : ''}<p>${m.thanksBody}</p>
<p class="more"><a href="${ratePath(scope.touchpoint)}/report?lang=${scope.language}">${m.reportLink}</a></p>
</section>`;
}

/** Screen 1: the scale as submit buttons of a plain form; screens 2 and 3 ride along hidden for the script. */
export function renderRatePage(scope: PageScope, state: { id: string; status?: number; error?: string }): RenderedPage {
  const m = messagesOf(scope);
  const tp = scope.touchpoint;
  const body = html`<main>
${languageSwitcher(scope.language)}
<section id="s-rate">
<h1>${tp.zoneName}</h1>
<p class="muted">${tp.siteName}</p>
${errorBox(state.error)}
<form id="rate" method="post" action="${ratePath(tp)}" data-token="${tp.token}">
<input type="hidden" name="id" value="${state.id}"><input type="hidden" name="lang" value="${scope.language}">
<fieldset><legend>${questionOf(tp.scale, m)}</legend>${scaleButtons(tp.scale, m)}</fieldset>
</form>
<p class="more"><a href="${ratePath(tp)}/report?lang=${scope.language}">${m.reportLink}</a></p>
</section>
${followUpSection(scope, { id: state.id })}
${thanksSection(scope, { hidden: true })}
</main>`;
  return page(scope, state.status ?? 200, `${m.pageTitle} – ${tp.zoneName}`, body, RATING_PAGE_SCRIPT);
}

/** Screen 2 after a plain form post: the rating is stored; one follow-up question for its polarity. */
export function renderFollowUpPage(
  scope: PageScope,
  state: { id: string; score: number; polarity: Polarity; status?: number; error?: string; reasons?: string[]; comment?: string },
): RenderedPage {
  const m = messagesOf(scope);
  const body = html`<main>
<h1>${scope.touchpoint.zoneName}</h1>
${followUpSection(scope, state)}
</main>`;
  return page(scope, state.status ?? 200, `${m.followUp[state.polarity]} – ${scope.touchpoint.zoneName}`, body);
}

/** Screen 3. */
export function renderThanksPage(scope: PageScope, state: { status?: number; note?: string } = {}): RenderedPage {
  const m = messagesOf(scope);
  return page(scope, state.status ?? 200, `${m.thanksTitle} – ${scope.touchpoint.zoneName}`, html`<main>${thanksSection(scope, { hidden: false, note: state.note })}</main>`);
}

/** "Report a problem": one category (radio chips), an optional comment. */
export function renderReportPage(scope: PageScope, state: { id: string; status?: number; error?: string; category?: string; comment?: string }): RenderedPage {
  const m = messagesOf(scope);
  const tp = scope.touchpoint;
  const options = INCIDENT_CATEGORIES.map(
    (c) => html`<label class="chip"><input type="radio" name="category" value="${c}" required${state.category === c ? html` checked` : ''}><span>${m.incidents[c]}</span></label>`,
  );
  const body = html`<main>
${languageSwitcher(scope.language)}
<h1>${m.reportTitle}</h1>
<p class="muted">${tp.zoneName} · ${tp.siteName}</p>
${errorBox(state.error)}
<form method="post" action="${ratePath(tp)}/report">
<input type="hidden" name="id" value="${state.id}"><input type="hidden" name="lang" value="${scope.language}">
<fieldset><legend>${m.reportQuestion}</legend><div class="chips">${options}</div></fieldset>
${commentField(m, m.reportCommentLabel, state.comment)}
<div class="actions"><button type="submit" class="primary">${m.reportSend}</button></div>
</form>
<p class="more"><a href="${ratePath(tp)}?lang=${scope.language}">${m.back}</a></p>
</main>`;
  return page(scope, state.status ?? 200, `${m.reportTitle} – ${tp.zoneName}`, body);
}

export function renderReportThanksPage(scope: PageScope): RenderedPage {
  const m = messagesOf(scope);
  const body = html`<main>
<h1>${m.reportThanksTitle}</h1>
<p>${m.reportThanksBody}</p>
<p class="more"><a href="${ratePath(scope.touchpoint)}?lang=${scope.language}">${m.back}</a></p>
</main>`;
  return page(scope, 200, `${m.reportThanksTitle} – ${scope.touchpoint.zoneName}`, body);
}

/** Unknown or retired token: a friendly page, status 404, in the visitor's language. */
export function renderNotFoundPage(scope: { language: Language; nonce: string }): RenderedPage {
  const m = messagesOf(scope);
  const body = html`<main>
${languageSwitcher(scope.language)}
<h1>${m.notFoundTitle}</h1>
<p>${m.notFoundBody}</p>
</main>`;
  return page(scope, 404, m.notFoundTitle, body);
}
