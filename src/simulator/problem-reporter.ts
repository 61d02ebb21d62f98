import type { ProblemReport } from './problems';
import type { QrRating } from './ratings';
import type { ProblemReporter } from './simulator';

export interface ReporterOptions {
  /** The service's base URL. */
  apiUrl: string;
  /** A key that may list touchpoints, to learn the tokens printed in the QR codes. */
  apiKey: string;
}

const PAGE = 200;

/**
 * Occupants' ratings and "report a problem" through the same public API as the QR page (`POST /api/v1/ratings`
 * and `/incidents`, no key: the touchpoint's token says where). The tokens are looked up once, through the catalog API.
 */
export class HttpProblemReporter implements ProblemReporter {
  private constructor(
    private readonly url: URL,
    private readonly tokens: ReadonlyMap<string, string>,
    private readonly ratingsUrl = new URL('ratings', url),
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

  /**
   * A rating at its simulated time, from the occupant's own address in X-Forwarded-For: believed only by a
   * service with TRUST_PROXY set (the demo's), else all come from one address and the misuse filter excludes most.
   */
  async rate(rating: QrRating): Promise<boolean> {
    const token = this.tokens.get(rating.touchpointKey);
    if (!token) return false;
    const res = await fetch(this.ratingsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': rating.address },
      body: JSON.stringify({ token, score: rating.score, ts: rating.at.toISOString(), id: rating.id }),
      signal: AbortSignal.timeout(15_000),
    });
    if (!res.ok) throw new Error(`rating ${rating.siteKey}.${rating.zoneKey} failed: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
    return true;
  }
}
