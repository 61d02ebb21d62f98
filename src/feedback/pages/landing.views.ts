import { html } from './html';
import { BASE_CSS, pageDocument, type RenderedPage } from './page-document';

export interface DemoPage {
  kind: 'qr' | 'kiosk';
  key: string;
  path: string;
}

const CSS = `${BASE_CSS}
ul{padding-left:1.2rem}
li{margin:.35rem 0}
code{font-size:.9em}`;

/** The landing page: links only, nothing that needs a key. */
export function renderLanding(demoPages: DemoPage[], nonce: string): RenderedPage {
  const demo = demoPages.length
    ? html`<h2>In this demo</h2>
<ul>
${demoPages.map((p) => html`<li><a href="${p.path}">${p.kind === 'kiosk' ? 'A kiosk' : 'A QR rating page'}</a> <span class="muted">(${p.key})</span></li>`)}
</ul>`
    : '';
  const body = html`<main>
<h1>XLA Monitor</h1>
<p class="muted">How people experience the service in a building, next to whether the work was done, per contract.</p>
<ul>
<li><a href="/docs">API documentation</a> (send an API key as <code>Authorization: Bearer …</code>)</li>
<li><a href="/health">Health</a> of the database, the MQTT broker and intake</li>
<li><a href="/metrics">Metrics</a> for Prometheus</li>
</ul>
${demo}
</main>`;
  return { status: 200, language: 'en', nonce, body: pageDocument({ language: 'en', title: 'XLA Monitor', nonce, css: CSS, body }) };
}
