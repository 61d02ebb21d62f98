import jsQR from 'jsqr';
import request from 'supertest';
import { MESSAGES } from '../../src/feedback/pages/messages';
import { startTestApp, type TestApp } from '../support/test-app';

const MODULE_PX = 6;

/** Draws the SVG's module rows (the encoder's `M x y h n m dx dy` path) as RGBA pixels and reads them with an independent decoder. */
function decodeQrSvg(svg: string): string | undefined {
  const size = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)?.[1]);
  const d = /<path stroke="#000000" d="([^"]+)"/.exec(svg)?.[1] ?? '';
  const dark = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
  let x = 0;
  let y = 0;
  for (const [, cmd, a, b] of d.matchAll(/([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?/g)) {
    if (cmd === 'M') [x, y] = [Number(a), Number(b)];
    else if (cmd === 'm') [x, y] = [x + Number(a), y + Number(b)];
    else for (let i = 0; i < Number(a); i++, x++) dark[Math.floor(y)][x] = true;
  }
  const px = size * MODULE_PX;
  const rgba = new Uint8ClampedArray(px * px * 4).fill(255);
  for (let row = 0; row < px; row++) {
    for (let col = 0; col < px; col++) {
      if (!dark[Math.floor(row / MODULE_PX)][Math.floor(col / MODULE_PX)]) continue;
      rgba.fill(0, (row * px + col) * 4, (row * px + col) * 4 + 3);
    }
  }
  return jsQR(rgba, px, px)?.data;
}

describe('QR codes and posters', () => {
  let sut: TestApp;
  let admin: string;
  let tokens: Record<string, string>;

  beforeAll(async () => {
    sut = await startTestApp({ env: { PUBLIC_URL: 'https://rate.example.com/' } });
    admin = await sut.keyFor('admin');
    const rows: Array<{ key: string; token: string }> = await sut.dataSource.query('SELECT key, token FROM touchpoints');
    tokens = Object.fromEntries(rows.map((r) => [r.key, r.token]));
  });
  afterAll(() => sut.close());

  const get = (path: string, key: string) => request(sut.http).get(path).set('Authorization', `Bearer ${key}`).buffer(true).parse((res, done) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (text += chunk));
    res.on('end', () => done(null, text));
  });

  it('draws a QR code that reads back as the touchpoint rating page', async () => {
    const res = await get('/api/v1/touchpoints/alpha-1f-restroom-qr/qr.svg', admin).expect(200);
    expect(res.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    const svg = res.body as string;
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    const url = `https://rate.example.com/r/${tokens['alpha-1f-restroom-qr']}`;
    expect(svg).toContain(`<title>${url}</title>`);
    expect(decodeQrSvg(svg)).toBe(url);
  });

  it('points a kiosk touchpoint at its kiosk page', async () => {
    const res = await get('/api/v1/touchpoints/alpha-branch-kiosk/qr.svg', admin).expect(200);
    expect(decodeQrSvg(res.body as string)).toBe(`https://rate.example.com/k/${tokens['alpha-branch-kiosk']}`);
  });

  it('prints one A4 poster per QR touchpoint of the site, in the site language', async () => {
    const res = await get('/api/v1/sites/alpha-hq/qr-posters', await sut.keyFor('fm_manager', 'alpha')).expect(200);
    const html = res.body as string;
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(html).toContain('<html lang="sv">');
    expect(html).toContain('@page{size:A4;margin:0}');
    const posters = html.split('<section class="poster">').slice(1);
    expect(posters).toHaveLength(2);
    expect(posters[0]).toContain('Toalett 1 tr');
    expect(posters[1]).toContain('Pentry');
    for (const [poster, key] of [
      [posters[0], 'alpha-1f-restroom-qr'],
      [posters[1], 'alpha-kitchen-qr'],
    ]) {
      expect(poster).toContain(MESSAGES.sv.poster.callToAction);
      const svg = /<svg[\s\S]*?<\/svg>/.exec(poster)?.[0] ?? '';
      expect(decodeQrSvg(svg)).toBe(`https://rate.example.com/r/${tokens[key]}`);
    }
    expect(html).not.toContain(tokens['alpha-branch-kiosk']);
  });

  it('prints no posters for a site with only a kiosk', async () => {
    const res = await get('/api/v1/sites/alpha-branch/qr-posters', admin).expect(200);
    expect(res.body as string).not.toContain('<section class="poster">');
  });

  it("hides another client's touchpoints and sites: 404 problem+json", async () => {
    const beta = await sut.keyFor('account_manager', 'beta');
    for (const path of ['/api/v1/touchpoints/alpha-1f-restroom-qr/qr.svg', '/api/v1/sites/alpha-hq/qr-posters']) {
      const res = await get(path, beta).expect(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(JSON.parse(res.body as string)).toMatchObject({ status: 404 });
    }
    await get('/api/v1/touchpoints/beta-1f-restroom-qr/qr.svg', beta).expect(200);
  });

  it('is for admins, FM and account managers only', async () => {
    await get('/api/v1/touchpoints/alpha-1f-restroom-qr/qr.svg', await sut.keyFor('client_viewer', 'alpha')).expect(403);
    await request(sut.http).get('/api/v1/sites/alpha-hq/qr-posters').expect(401);
  });
});
