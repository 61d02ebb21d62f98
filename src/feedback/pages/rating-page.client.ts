import { BROWSER_UUID } from './browser-uuid.client';

/**
 * The QR page's progressive enhancement, sent inline (kept small; no framework). Without it the forms
 * post and the server answers with the next screen. With it: tap → POST /api/v1/ratings with an id
 * made here → the follow-up in place → POST …/follow-up → thank-you. Any failure falls back to the
 * plain form post with the same id, so a rating is stored once whichever path delivers it.
 */
export const RATING_PAGE_SCRIPT = `(() => {
  const d = document, rate = d.getElementById('rate'), follow = d.getElementById('follow');
  if (!rate || !follow || !window.fetch) return;
  const token = rate.dataset.token, language = rate.querySelector('input[name="lang"]').value;
  ${BROWSER_UUID}
  const post = (url, body) => fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
    .then((r) => { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); });
  const show = (id) => {
    for (const s of d.querySelectorAll('main > section')) s.hidden = s.id !== id;
    const focus = d.querySelector('#' + id + ' [tabindex="-1"]');
    if (focus) focus.focus();
  };
  const busy = (form, on) => { for (const b of form.querySelectorAll('button')) b.disabled = on; };
  let plain = false;
  const fallback = (form, submitter) => { busy(form, false); plain = true; form.requestSubmit(submitter || null); };

  rate.addEventListener('submit', (e) => {
    const btn = e.submitter;
    if (plain || !btn || btn.name !== 'score') return;
    e.preventDefault();
    const id = uuid();
    for (const input of d.querySelectorAll('input[name="id"]')) input.value = id;
    follow.querySelector('input[name="score"]').value = btn.value;
    busy(rate, true);
    post('/api/v1/ratings', { token, score: Number(btn.value), id, language }).then((receipt) => {
      const side = receipt.polarity === 'positive' ? 'positive' : 'negative';
      for (const set of follow.querySelectorAll('fieldset[data-side]')) {
        if (set.dataset.side !== side) { set.remove(); continue; }
        set.hidden = false;
        const legend = set.querySelector('legend');
        legend.textContent = legend.dataset[receipt.polarity] || legend.textContent;
      }
      show('s-follow');
    }, () => fallback(rate, btn));
  });

  follow.addEventListener('submit', (e) => {
    if (plain) return;
    e.preventDefault();
    const reasons = Array.from(follow.querySelectorAll('input[name="reasons"]:checked'), (i) => i.value);
    const comment = follow.querySelector('textarea[name="comment"]').value;
    if ((e.submitter && e.submitter.name === 'skip') || (!reasons.length && !comment.trim())) { show('s-thanks'); return; }
    const id = follow.querySelector('input[name="id"]').value;
    busy(follow, true);
    post('/api/v1/ratings/' + encodeURIComponent(id) + '/follow-up', { token, reasons, comment: comment.trim() ? comment : undefined })
      .then(() => show('s-thanks'), () => fallback(follow, e.submitter));
  });
})();`;
