import { BROWSER_UUID } from './browser-uuid.client';

/**
 * The kiosk page's script, sent inline. Every tap is queued in localStorage with an id made on the
 * device and its tap time, then sent in order; a network failure, 408, 429 or 5xx leaves it queued
 * and retries with exponential backoff (and at once on the `online` event); any other 4xx can never
 * succeed and is dropped. The server keeps one rating per id, so a retry whose first attempt did
 * arrive is not counted twice.
 */
export const KIOSK_PAGE_SCRIPT = `(() => {
  const d = document, root = d.getElementById('kiosk'), form = d.getElementById('rate');
  if (!root || !form || !window.fetch) return;
  const token = root.dataset.token, language = form.querySelector('input[name="lang"]').value, key = 'xla-kiosk-queue:' + token;
  const RESET_MS = 4000, FIRST_DELAY_MS = 1000, MAX_DELAY_MS = 60000;
  ${BROWSER_UUID}
  const load = () => { try { const q = JSON.parse(localStorage.getItem(key) || '[]'); return Array.isArray(q) ? q : []; } catch { return []; } };
  const save = (q) => localStorage.setItem(key, JSON.stringify(q));
  let sending = false, delay = FIRST_DELAY_MS, retry = 0, reset = 0;
  const retryLater = () => { clearTimeout(retry); retry = setTimeout(flush, delay); delay = Math.min(delay * 2, MAX_DELAY_MS); };
  const settled = (r) => r.ok || (r.status >= 400 && r.status < 500 && r.status !== 408 && r.status !== 429);
  function flush() {
    if (sending) return;
    const item = load()[0];
    if (!item) { delay = FIRST_DELAY_MS; return; }
    sending = true;
    fetch('/api/v1/ratings', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token, score: item.score, id: item.id, ts: item.ts, language }) })
      .then(settled, () => false)
      .then((done) => {
        sending = false;
        if (!done) return retryLater();
        save(load().filter((x) => x.id !== item.id));
        delay = FIRST_DELAY_MS;
        flush();
      });
  }
  const screen = (thanks) => { d.getElementById('k-rate').hidden = thanks; d.getElementById('k-thanks').hidden = !thanks; };
  form.addEventListener('submit', (e) => {
    const btn = e.submitter;
    if (!btn || btn.name !== 'score') return;
    try {
      save(load().concat([{ id: uuid(), score: Number(btn.value), ts: new Date().toISOString() }]));
    } catch { return; }
    e.preventDefault();
    screen(true);
    clearTimeout(reset);
    reset = setTimeout(() => screen(false), RESET_MS);
    flush();
  });
  addEventListener('online', () => { delay = FIRST_DELAY_MS; clearTimeout(retry); flush(); });
  flush();
})();`;
