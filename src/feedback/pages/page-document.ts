import { randomBytes } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { Language } from '../../catalog/catalog.types';
import { html, trusted, type SafeHtml } from './html';

/** A rendered page and what its response needs: the status and the nonce its inline script and style carry. */
export interface RenderedPage {
  status: number;
  language: Language;
  nonce: string;
  body: string;
}

export const newNonce = (): string => randomBytes(16).toString('base64');

/**
 * Strict headers for every page: inline code only with this response's nonce, forms and fetches to
 * this origin only, no framing, never cached, and no Referer, because the token is in the URL.
 */
export function pageHeaders(nonce: string, language: Language): Record<string, string> {
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Language': language,
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src 'nonce-${nonce}'`,
      "img-src 'self' data:",
      "connect-src 'self'",
      "form-action 'self'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
  };
}

export function sendPage(reply: FastifyReply, page: RenderedPage): FastifyReply {
  return reply.status(page.status).headers(pageHeaders(page.nonce, page.language)).send(page.body);
}

/** Shared look: system fonts, AA contrast, a visible focus ring, 48 px targets. */
export const BASE_CSS = `*{box-sizing:border-box}
body{margin:0;font:18px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#fff}
main{max-width:34rem;margin:0 auto;padding:1rem 1rem 2rem}
h1{font-size:1.5rem;margin:.5rem 0 .25rem}
h2{font-size:1.25rem;margin:1rem 0 .5rem}
a{color:#0b57d0}
.muted,.hint{color:#4b5563}
.hint{font-size:.95rem;margin:.25rem 0 .5rem}
:focus-visible{outline:3px solid #0b57d0;outline-offset:3px}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.error{color:#b3261e;font-weight:600;border-left:4px solid #b3261e;padding:.25rem .75rem;margin:1rem 0}
[hidden]{display:none!important}`;

export function pageDocument(options: { language: Language; title: string; nonce: string; css: string; body: SafeHtml; script?: string; head?: SafeHtml }): string {
  const { language, title, nonce, css, body, script, head } = options;
  return html`<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
${head}<title>${title}</title>
<style nonce="${nonce}">${trusted(css)}</style>
</head>
<body>
${body}
${script ? html`<script nonce="${nonce}">${trusted(script)}</script>` : ''}
</body>
</html>
`.value;
}
