import type { ProblemReport } from './problems';
import type { ProblemReporter } from './simulator';

export interface ReporterOptions {
  /** The service's base URL. */
  apiUrl: string;
  /** A key that may list touchpoints, to learn the tokens printed in the QR codes. */
  apiKey: string;
}

const PAGE = 200;

/**
 * Occupants' "report a problem" through the same public API as the QR page (`POST /api/v1/incidents`,
 * no key: the touchpoint's token says where). The tokens are looked up once, through the catalog API.
 */
export class HttpProblemReporter implements ProblemReporter {
  private constructor(
    private readonly url: URL,
    private readonly tokens: ReadonlyMap<string, string>,
  ) {}

  static async connect({ apiUrl, apiKey }: ReporterOptions): Promise<HttpProblemReporter> {
    const base = apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`;
    const tokens = new Map<string, string>();
    for (let page = 1; ; page++) {
      const url = new URL(`api/v1/touchpoints?limit=${PAGE}&page=${page}`, base);
      const res = await fetch(url, { headers: { authorization: `Bearer ${apiKey}` }, signal: AbortSignal.timeout(15_000) });
      if (!res.ok) throw new Error(`listing touchpoints for problem reports failed: HTTP ${res.status}`);
      const { items } = (await res.json()) as { items: Array<{ key: string; kind: string; token: string }> };
      for (const t of items) if (t.kind === 'qr') tokens.set(t.key, t.token);
      if (items.length < PAGE) break;
    }
    return new HttpProblemReporter(new URL('api/v1/incidents', base), tokens);
  }

  /** A touchpoint the service does not know (a contract it has not loaded) is skipped (false): no QR code hangs there. */
  async report(problem: ProblemReport): Promise<boolean> {
    const token = this.tokens.get(problem.touchpointKey);
    if (!token) return false;
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, category: problem.category, id: problem.id }),
      signal: AbortSignal.timeout(15_000),
    });
    if (!res.ok) throw new Error(`reporting ${problem.category} in ${problem.siteKey}.${problem.zoneKey} failed: HTTP ${res.status}`);
    return true;
  }
}
