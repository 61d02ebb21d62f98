import request from 'supertest';
import { LANGUAGES } from '../../src/catalog/catalog.types';
import { MESSAGES } from '../../src/feedback/pages/messages';
import { startTestApp, type TestApp } from '../support/test-app';

const PAGE_BUDGET_BYTES = 30 * 1024;

const hiddenId = (html: string) => /name="id" value="([^"]+)"/.exec(html)?.[1] ?? '';
const htmlLang = (html: string) => /<html lang="([^"]+)"/.exec(html)?.[1];

describe('Occupant pages', () => {
  let sut: TestApp;
  let restroom: string;
  let kitchen: string;
  let kiosk: string;

  beforeAll(async () => {
    sut = await startTestApp();
    restroom = await sut.tokenOf('alpha-1f-restroom-qr');
    kitchen = await sut.tokenOf('alpha-kitchen-qr');
    kiosk = await sut.tokenOf('alpha-branch-kiosk');
  });
  afterAll(() => sut.close());

  const ratingRow = async (submissionId: string) => {
    const rows: Array<Record<string, unknown>> = await sut.dataSource.query(
      'SELECT score, reasons, comment, origin, language, follow_up_at FROM ratings WHERE submission_id = $1',
      [submissionId],
    );
    return rows[0];
  };
  const page = (path: string, acceptLanguage?: string) => {
    const req = request(sut.http).get(path);
    return acceptLanguage ? req.set('Accept-Language', acceptLanguage) : req;
  };
  const form = (path: string, fields: Record<string, string | string[]>) => request(sut.http).post(path).type('form').send(fields);

  describe('language', () => {
    it.each([
      ['de-CH,de;q=0.9,en;q=0.5', 'de'],
      ['fr-FR,fr;q=0.9,fi;q=0.8,en;q=0.7', 'fi'],
      ['no', 'nb'],
      ['nn-NO', 'nb'],
      ['en;q=0.2,da;q=0.8', 'da'],
      ['fr-FR', 'sv'],
      [undefined, 'sv'],
    ])('answers Accept-Language %p in %p, else in the site language', async (header, expected) => {
      const res = await page(`/r/${restroom}`, header).expect(200);
      expect(htmlLang(res.text)).toBe(expected);
      expect(res.headers['content-language']).toBe(expected);
      expect(res.text).toContain(MESSAGES[expected as keyof typeof MESSAGES].satisfactionQuestion);
    });

    it('lets ?lang override the browser, and offers every language in the switcher', async () => {
      const res = await page(`/r/${restroom}?lang=fi`, 'de-DE').expect(200);
      expect(htmlLang(res.text)).toBe('fi');
      for (const l of LANGUAGES) {
        expect(res.text).toContain(`<a href="?lang=${l}" lang="${l}" hreflang="${l}"${l === 'fi' ? ' aria-current="true"' : ''}>${MESSAGES[l].languageName}</a>`);
      }
      expect(res.text).toContain(`<nav class="langs" aria-label="${MESSAGES.fi.languageLabel}">`);
    });

    it.each(LANGUAGES.map((l) => [l]))('renders %s with its own strings and none of the others', async (language) => {
      const m = MESSAGES[language];
      const res = await page(`/r/${restroom}?lang=${language}`).expect(200);
      for (const text of [m.satisfactionQuestion, m.faces.veryDissatisfied, m.faces.verySatisfied, m.reportLink, m.followUp.negative, m.reasons.no_soap, m.reasons.clean, m.thanksTitle, m.commentHint]) {
        expect(res.text).toContain(escape(text));
      }
      for (const other of LANGUAGES.filter((l) => l !== language)) {
        expect(res.text).not.toContain(escape(MESSAGES[other].satisfactionQuestion));
        expect(res.text).not.toContain(escape(MESSAGES[other].reasons.no_soap));
      }
    });
  });

  describe('QR page', () => {
    it.each([
      ['smiley5 restroom', () => `/r/${restroom}`, 5],
      ['nps11 kitchen', () => `/r/${kitchen}`, 11],
      ['smiley4 kiosk', () => `/k/${kiosk}`, 4],
    ])('keeps the %s page under 30 KB with a submit button per score', async (_name, path, buttons) => {
      const res = await page(path(), 'sv').expect(200);
      expect(Buffer.byteLength(res.text)).toBeLessThan(PAGE_BUDGET_BYTES);
      expect(res.text.match(/<button type="submit" class="(?:face|num)" name="score"/g)).toHaveLength(buttons);
    });

    it('names the faces for screen readers, worst first', async () => {
      const res = await page(`/r/${restroom}?lang=en`).expect(200);
      const names = [...res.text.matchAll(/class="face" name="score" value="(\d)"[^>]*>.*?<span class="vh">([^<]+)<\/span>/g)].map((m) => [m[1], m[2]]);
      expect(names).toEqual([
        ['1', 'Very dissatisfied'],
        ['2', 'Dissatisfied'],
        ['3', 'Neither satisfied nor dissatisfied'],
        ['4', 'Satisfied'],
        ['5', 'Very satisfied'],
      ]);
    });

    it('sends no-store, no-referrer and a nonce-only CSP that matches the inline script and style', async () => {
      const res = await page(`/r/${restroom}`).expect(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      const csp = res.headers['content-security-policy'];
      const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
      expect(nonce).toMatch(/^[A-Za-z0-9+/=]{20,}$/);
      expect(csp).toContain(`style-src 'nonce-${nonce}'`);
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.text).toContain(`<script nonce="${nonce}">`);
      expect(res.text).toContain(`<style nonce="${nonce}">`);
      expect(res.text).not.toMatch(/ style="/);
      const again = await page(`/r/${restroom}`).expect(200);
      expect(again.headers['content-security-policy']).not.toBe(csp);
    });
  });

  describe('without JavaScript', () => {
    it('stores the first tap at once, asks what was wrong, and stores the scrubbed follow-up', async () => {
      const first = await page(`/r/${restroom}`, 'sv-SE').expect(200);
      const id = hiddenId(first.text);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);

      const second = await form(`/r/${restroom}`, { id, score: '1', lang: 'sv' }).expect(200);
      expect(second.text).toContain(MESSAGES.sv.followUp.negative);
      expect(second.text).toContain(MESSAGES.sv.reasons.no_soap);
      expect(second.text).not.toContain(MESSAGES.sv.reasons.fresh_smell);
      expect(second.text).toContain(`action="/r/${restroom}/follow-up"`);
      expect(hiddenId(second.text)).toBe(id);
      expect(await ratingRow(id)).toMatchObject({ score: 1, reasons: [], comment: null, origin: 'qr', language: 'sv', follow_up_at: null });

      const third = await form(`/r/${restroom}/follow-up`, { id, score: '1', lang: 'sv', reasons: ['no_soap', 'dirty_floor'], comment: 'Mejla mig på anna.svensson@example.se' }).expect(200);
      expect(third.text).toContain(MESSAGES.sv.thanksTitle);
      const row = await ratingRow(id);
      expect(row).toMatchObject({ score: 1, reasons: ['no_soap', 'dirty_floor'], comment: 'Mejla mig på [e-mail]' });
      expect(row?.follow_up_at).not.toBeNull();
    });

    it.each([
      [5, 'positive', 'fresh_smell', 'no_soap'],
      [3, 'neutral', 'no_soap', 'fresh_smell'],
    ] as const)('asks the %s-score question (%s) with its own chips', async (score, polarity, shown, absent) => {
      const id = hiddenId((await page(`/r/${restroom}?lang=en`).expect(200)).text);
      const res = await form(`/r/${restroom}`, { id, score: String(score), lang: 'en' }).expect(200);
      expect(res.text).toContain(MESSAGES.en.followUp[polarity]);
      expect(res.text).toContain(`value="${shown}"`);
      expect(res.text).not.toContain(`value="${absent}"`);
    });

    it('counts a double-submitted form once', async () => {
      const id = hiddenId((await page(`/r/${kitchen}`).expect(200)).text);
      await form(`/r/${kitchen}`, { id, score: '9', lang: 'en' }).expect(200);
      await form(`/r/${kitchen}`, { id, score: '9', lang: 'en' }).expect(200);
      const rows = await sut.dataSource.query('SELECT score FROM ratings WHERE submission_id = $1', [id]);
      expect(rows).toEqual([{ score: 9 }]);
    });

    it('treats a follow-up with nothing chosen as a skip and stores nothing more', async () => {
      const id = hiddenId((await page(`/r/${restroom}`).expect(200)).text);
      await form(`/r/${restroom}`, { id, score: '2', lang: 'da' }).expect(200);
      const res = await form(`/r/${restroom}/follow-up`, { id, score: '2', lang: 'da', comment: '  ', skip: '1' }).expect(200);
      expect(res.text).toContain(MESSAGES.da.thanksTitle);
      expect(await ratingRow(id)).toMatchObject({ reasons: [], comment: null, follow_up_at: null });
    });

    it.each([
      ['a score off the scale', { score: '7' }, MESSAGES.de.errors.chooseScore],
      ['no score', {}, MESSAGES.de.errors.chooseScore],
      ['a made-up id', { score: '4', id: 'not-a-uuid' }, MESSAGES.de.errors.invalidForm],
    ])('answers %s with the page again and a message, status 400', async (_case, fields, message) => {
      const id = hiddenId((await page(`/r/${restroom}`).expect(200)).text);
      const res = await form(`/r/${restroom}`, { id, lang: 'de', ...fields }).expect(400);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(htmlLang(res.text)).toBe('de');
      expect(res.text).toContain(`<p class="error" role="alert">${escape(message)}</p>`);
      expect(res.text).toContain(`<form id="rate" method="post" action="/r/${restroom}"`);
      expect(await ratingRow(id)).toBeUndefined();
    });

    it.each([
      ['hex', '0x3'],
      ['padded', ' 4 '],
      ['an exponent', '1e0'],
      ['a plus sign', '+3'],
      ['a leading zero', '03'],
      ['a decimal point', '4.0'],
      ['a repeated field', ['2', '2']],
    ])('answers a score written as %s (%p) with the score message, status 400, and stores nothing', async (_case, score) => {
      const id = hiddenId((await page(`/r/${restroom}`).expect(200)).text);
      const res = await form(`/r/${restroom}`, { id, lang: 'en', score }).expect(400);
      expect(res.text).toContain(`<p class="error" role="alert">${escape(MESSAGES.en.errors.chooseScore)}</p>`);
      await form(`/k/${kiosk}`, { id, lang: 'en', score }).expect(400);
      expect(await ratingRow(id)).toBeUndefined();
    });

    it.each([
      ['true', true],
      ['a number', 3],
      ['a list', [2]],
      ['an object', { toString: 1 }],
    ])('answers a score posted as JSON %s with the form message, status 400, on every form', async (_case, score) => {
      const id = hiddenId((await page(`/r/${restroom}`).expect(200)).text);
      const json = (path: string) => request(sut.http).post(path).send({ id, lang: 'en', score });
      expect((await json(`/r/${restroom}`).expect(400)).text).toContain(escape(MESSAGES.en.errors.chooseScore));
      expect((await json(`/r/${restroom}/follow-up`).expect(400)).text).toContain(escape(MESSAGES.en.errors.invalidForm));
      await json(`/k/${kiosk}`).expect(400);
      expect(await ratingRow(id)).toBeUndefined();
    });

    it('answers a follow-up with a too-long comment or a foreign reason with status 400, keeping what was written', async () => {
      const id = hiddenId((await page(`/r/${restroom}`).expect(200)).text);
      await form(`/r/${restroom}`, { id, score: '1', lang: 'nb' }).expect(200);
      const long = await form(`/r/${restroom}/follow-up`, { id, score: '1', lang: 'nb', reasons: 'no_paper', comment: 'x'.repeat(501) }).expect(400);
      expect(long.text).toContain(escape(MESSAGES.nb.errors.commentTooLong));
      expect(long.text).toMatch(/value="no_paper"[^>]*>/);
      const foreign = await form(`/r/${restroom}/follow-up`, { id, score: '1', lang: 'nb', reasons: 'coffee_good' }).expect(400);
      expect(foreign.text).toContain(escape(MESSAGES.nb.errors.invalidForm));
      expect(await ratingRow(id)).toMatchObject({ reasons: [], comment: null });
    });
  });

  describe('not found', () => {
    it('answers an unknown token with a friendly 404 page in the visitor language', async () => {
      const res = await page('/r/no-such-token-at-all', 'fi-FI,fi;q=0.9').expect(404);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(htmlLang(res.text)).toBe('fi');
      expect(res.text).toContain(MESSAGES.fi.notFoundTitle);
      await form('/r/no-such-token-at-all', { score: '1', id: '0b7b5a8e-3c1f-4d5e-9a7b-2f0c1d2e3f40', lang: 'de' })
        .expect(404)
        .expect((r) => expect(r.text).toContain(MESSAGES.de.notFoundTitle));
      await page('/k/no-such-token-at-all', 'en').expect(404);
    });

    it('answers a retired touchpoint with the 404 page too', async () => {
      // A touchpoint no page has opened yet: RatingsService caches active touchpoints for a few seconds.
      const token = await sut.tokenOf('beta-1f-restroom-qr');
      await sut.dataSource.query('UPDATE touchpoints SET retired_at = now() WHERE key = $1', ['beta-1f-restroom-qr']);
      const res = await page(`/r/${token}`, 'en').expect(404);
      expect(res.text).toContain(MESSAGES.en.notFoundTitle);
    });
  });

  describe('report a problem', () => {
    it('offers the translated categories and stores the chosen one', async () => {
      const res = await page(`/r/${restroom}/report`, 'sv').expect(200);
      for (const text of Object.values(MESSAGES.sv.incidents)) expect(res.text).toContain(text);
      const id = hiddenId(res.text);
      const done = await form(`/r/${restroom}/report`, { id, category: 'blocked_toilet', comment: 'Ring 070-123 45 67', lang: 'sv' }).expect(200);
      expect(done.text).toContain(MESSAGES.sv.reportThanksTitle);
      const rows = await sut.dataSource.query('SELECT category, comment FROM incident_reports WHERE submission_id = $1', [id]);
      expect(rows).toEqual([{ category: 'blocked_toilet', comment: 'Ring [phone]' }]);
    });

    it('asks again, status 400, when no category is chosen', async () => {
      const id = hiddenId((await page(`/r/${restroom}/report?lang=en`).expect(200)).text);
      const res = await form(`/r/${restroom}/report`, { id, lang: 'en', comment: 'hm' }).expect(400);
      expect(res.text).toContain(MESSAGES.en.errors.chooseCategory);
      expect(await sut.dataSource.query('SELECT 1 FROM incident_reports WHERE submission_id = $1', [id])).toEqual([]);
    });
  });

  describe('kiosk page', () => {
    it('speaks the site language whatever the kiosk browser says, unless told', async () => {
      const res = await page(`/k/${kiosk}`, 'en-US').expect(200);
      expect(htmlLang(res.text)).toBe('sv');
      expect(res.text).toContain(MESSAGES.sv.satisfactionQuestion);
      expect(res.text).not.toContain(MESSAGES.sv.faces.neutral);
      expect(htmlLang((await page(`/k/${kiosk}?lang=de`).expect(200)).text)).toBe('de');
    });

    it('stores a tap posted without JavaScript as a kiosk rating and comes back to the start', async () => {
      const id = hiddenId((await page(`/k/${kiosk}`).expect(200)).text);
      const res = await form(`/k/${kiosk}`, { id, score: '4', lang: 'sv' }).expect(200);
      expect(res.text).toContain(MESSAGES.sv.kioskThanks);
      expect(res.text).toContain(`<meta http-equiv="refresh" content="4;url=/k/${kiosk}?lang=sv">`);
      expect(await ratingRow(id)).toMatchObject({ score: 4, origin: 'kiosk' });
    });
  });
});

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
