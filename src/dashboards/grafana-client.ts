/**
 * A typed client of the Grafana HTTP API calls the publisher needs, on Node's fetch: no maintained
 * Grafana client exists on npm. Retries 429, 5xx, timeouts and refused connections with backoff
 * (Retry-After when Grafana sends one); any other answer is returned as it is, for the caller to
 * read: 404 (absent), 409 and 412 (conflicts) are expected answers, not failures.
 */

export interface GrafanaClientOptions {
  url: string;
  /** `user:password` (basic auth: a server admin) or an API token. */
  credential: string;
  /** Attempts in all, the first included. */
  attempts?: number;
  timeoutMs?: number;
  /** First backoff; doubled at each retry. */
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
}

export interface GrafanaResponse<T> {
  status: number;
  body: T;
}

export class GrafanaError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number | null,
    detail: string,
  ) {
    super(`Grafana ${method} ${path}: ${status ?? 'no answer'}${detail ? ` (${detail})` : ''}`);
    this.name = 'GrafanaError';
  }
}

export interface GrafanaOrg {
  id: number;
  name: string;
}

export interface GrafanaFolder {
  uid: string;
  title: string;
  version?: number;
}

export interface GrafanaDataSource {
  uid: string;
  name: string;
  type: string;
  access: 'proxy';
  url: string;
  user: string;
  database?: string;
  isDefault?: boolean;
  jsonData: Record<string, unknown>;
  secureJsonData?: Record<string, string>;
  version?: number;
}

export interface GrafanaDashboardEnvelope {
  dashboard: Record<string, unknown>;
  meta: { folderUid?: string; version?: number };
}

/** What Grafana answers to POST /api/dashboards/db. */
export interface SaveDashboardResult {
  status: string;
  uid?: string;
  version?: number;
  message?: string;
}

const RETRIED = (status: number) => status === 429 || status >= 500;

export class GrafanaClient {
  private readonly attempts: number;
  private readonly timeoutMs: number;
  private readonly backoffMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly fetch: typeof fetch;
  private readonly authorization: string;
  /** Calls that changed something in Grafana (POST, PUT): the publisher's no-op check counts them. */
  writes = 0;

  constructor(private readonly options: GrafanaClientOptions) {
    this.attempts = options.attempts ?? 5;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.backoffMs = options.backoffMs ?? 500;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.fetch = options.fetch ?? fetch;
    this.authorization = options.credential.includes(':') ? `Basic ${Buffer.from(options.credential).toString('base64')}` : `Bearer ${options.credential}`;
  }

  /** Whether the credential is a server admin's user and password, which organisations need. */
  get canManageOrgs(): boolean {
    return this.options.credential.includes(':');
  }

  health(): Promise<GrafanaResponse<{ database?: string; version?: string }>> {
    return this.call('GET', '/api/health');
  }

  async orgByName(name: string): Promise<GrafanaOrg | null> {
    const res = await this.call<GrafanaOrg>('GET', `/api/orgs/name/${encodeURIComponent(name)}`);
    if (res.status === 404) return null;
    return this.expect(res, 'GET', '/api/orgs/name').body;
  }

  /** Creates an organisation, or finds it when another publisher made it first (409). */
  async createOrg(name: string): Promise<GrafanaOrg> {
    const res = await this.call<{ orgId?: number; message?: string }>('POST', '/api/orgs', { name });
    if (res.status === 409) {
      const found = await this.orgByName(name);
      if (found) return found;
    }
    return { id: this.expect(res, 'POST', '/api/orgs').body.orgId!, name };
  }

  async folder(org: number, uid: string): Promise<GrafanaFolder | null> {
    const res = await this.call<GrafanaFolder>('GET', `/api/folders/${encodeURIComponent(uid)}`, undefined, org);
    return res.status === 404 ? null : this.expect(res, 'GET', '/api/folders').body;
  }

  async createFolder(org: number, folder: GrafanaFolder): Promise<GrafanaResponse<GrafanaFolder>> {
    return this.call('POST', '/api/folders', { uid: folder.uid, title: folder.title }, org);
  }

  async updateFolder(org: number, folder: GrafanaFolder): Promise<GrafanaResponse<GrafanaFolder>> {
    return this.call('PUT', `/api/folders/${encodeURIComponent(folder.uid)}`, { title: folder.title, overwrite: true }, org);
  }

  async dataSource(org: number, uid: string): Promise<GrafanaDataSource | null> {
    const res = await this.call<GrafanaDataSource>('GET', `/api/datasources/uid/${encodeURIComponent(uid)}`, undefined, org);
    return res.status === 404 ? null : this.expect(res, 'GET', '/api/datasources/uid').body;
  }

  createDataSource(org: number, ds: GrafanaDataSource): Promise<GrafanaResponse<unknown>> {
    return this.call('POST', '/api/datasources', ds, org);
  }

  updateDataSource(org: number, ds: GrafanaDataSource): Promise<GrafanaResponse<unknown>> {
    return this.call('PUT', `/api/datasources/uid/${encodeURIComponent(ds.uid)}`, ds, org);
  }

  async dashboard(org: number, uid: string): Promise<GrafanaDashboardEnvelope | null> {
    const res = await this.call<GrafanaDashboardEnvelope>('GET', `/api/dashboards/uid/${encodeURIComponent(uid)}`, undefined, org);
    return res.status === 404 ? null : this.expect(res, 'GET', '/api/dashboards/uid').body;
  }

  /** Upserts a dashboard by uid into a folder (without folderUid Grafana moves it to the root). */
  saveDashboard(org: number, dashboard: Record<string, unknown>, folderUid: string, message: string): Promise<GrafanaResponse<SaveDashboardResult>> {
    return this.call('POST', '/api/dashboards/db', { dashboard, folderUid, overwrite: true, message }, org);
  }

  /** A 2xx answer, else a GrafanaError naming the call and Grafana's message. */
  expect<T>(res: GrafanaResponse<T>, method: string, path: string): GrafanaResponse<T> {
    if (res.status >= 200 && res.status < 300) return res;
    const message = typeof res.body === 'object' && res.body && 'message' in res.body ? String((res.body as { message: unknown }).message) : '';
    throw new GrafanaError(method, path, res.status, message);
  }

  private async call<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, org?: number): Promise<GrafanaResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json', authorization: this.authorization };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (org !== undefined) headers['x-grafana-org-id'] = String(org);
    let lastError = '';
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      let wait = this.backoffMs * 2 ** (attempt - 1);
      try {
        const res = await this.fetch(`${this.options.url}${path}`, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        const text = await res.text();
        if (!RETRIED(res.status)) {
          if (method !== 'GET' && res.status < 300) this.writes++;
          return { status: res.status, body: (text ? parseJson(text) : {}) as T };
        }
        lastError = `${res.status}`;
        const retryAfter = Number(res.headers.get('retry-after'));
        if (Number.isFinite(retryAfter) && retryAfter > 0) wait = Math.min(retryAfter * 1000, 30_000);
      } catch (error) {
        lastError = (error as Error).message;
      }
      if (attempt < this.attempts) await this.sleep(wait);
    }
    throw new GrafanaError(method, path, null, `gave up after ${this.attempts} attempts: ${lastError}`);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 200) };
  }
}
