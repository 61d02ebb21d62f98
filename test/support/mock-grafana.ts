import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An organisation's state in the mock Grafana. */
export interface MockOrg {
  id: number;
  name: string;
  folders: Map<string, { uid: string; title: string; version: number }>;
  dataSources: Map<string, Record<string, unknown>>;
  dashboards: Map<string, { dashboard: Record<string, unknown>; folderUid: string; version: number }>;
}

/**
 * A local HTTP server that answers the calls the publisher makes as Grafana's HTTP API does
 * (11.x): basic auth of a server admin, the organisation by X-Grafana-Org-Id (1 by default), 404s
 * with a message, 409 for a taken organisation, folder or data source name, 412 for a dashboard
 * whose title another uid has in the same folder (or an old version without overwrite). It can
 * answer the next requests 503, and records every call.
 */
export class MockGrafana {
  readonly orgs = new Map<number, MockOrg>();
  readonly calls: Array<{ method: string; path: string; org: number; status: number }> = [];
  /** Answer the next this many requests 503, as a restarting Grafana. */
  failNext = 0;
  /** The next creation of these is raced: another publisher makes the same one first, and this one gets 409. */
  readonly raceNext = new Set<'org' | 'folder'>();
  private server?: Server;
  private nextOrg = 2;
  private nextDashboardId = 1;
  url = '';

  constructor(private readonly credential = 'admin:pw') {
    this.orgs.set(1, newOrg(1, 'Main Org.'));
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  org(name: string): MockOrg | undefined {
    return [...this.orgs.values()].find((o) => o.name === name);
  }

  /** Calls that changed something. */
  writes(): number {
    return this.calls.filter((c) => c.method !== 'GET' && c.status < 300).length;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
    const path = decodeURIComponent(new URL(req.url!, 'http://x').pathname);
    const orgId = Number(req.headers['x-grafana-org-id'] ?? 1);
    const send = (status: number, payload: unknown) => {
      this.calls.push({ method: req.method!, path, org: orgId, status });
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    };
    if (this.failNext > 0) {
      this.failNext--;
      return send(503, { message: 'Service Unavailable' });
    }
    if (req.headers.authorization !== `Basic ${Buffer.from(this.credential).toString('base64')}`) return send(401, { message: 'Unauthorized' });
    if (path === '/api/health') return send(200, { database: 'ok', version: '11.3.0' });
    const org = this.orgs.get(orgId);
    if (!org) return send(401, { message: 'User is not a member of the organization' });
    const route = `${req.method} ${path}`;
    let m: RegExpExecArray | null;
    if ((m = /^GET \/api\/orgs\/name\/(.+)$/.exec(route))) {
      const found = this.org(m[1]);
      return found ? send(200, { id: found.id, name: found.name }) : send(404, { message: 'Organization not found' });
    }
    if (route === 'POST /api/orgs') {
      if (this.raceNext.delete('org')) this.orgs.set(this.nextOrg, newOrg(this.nextOrg++, body.name as string));
      if (this.org(body.name as string)) return send(409, { message: 'Organization name taken' });
      const id = this.nextOrg++;
      this.orgs.set(id, newOrg(id, body.name as string));
      return send(200, { orgId: id, message: 'Organization created' });
    }
    if ((m = /^GET \/api\/folders\/(.+)$/.exec(route))) {
      const folder = org.folders.get(m[1]);
      return folder ? send(200, folder) : send(404, { message: 'folder not found' });
    }
    if (route === 'POST /api/folders') {
      if (this.raceNext.delete('folder')) org.folders.set(body.uid as string, { uid: body.uid as string, title: body.title as string, version: 1 });
      if (org.folders.has(body.uid as string) || [...org.folders.values()].some((f) => f.title === body.title)) {
        return send(409, { message: 'a folder with the same name already exists' });
      }
      const folder = { uid: body.uid as string, title: body.title as string, version: 1 };
      org.folders.set(folder.uid, folder);
      return send(200, folder);
    }
    if ((m = /^PUT \/api\/folders\/(.+)$/.exec(route))) {
      const folder = org.folders.get(m[1]);
      if (!folder) return send(404, { message: 'folder not found' });
      Object.assign(folder, { title: body.title, version: folder.version + 1 });
      return send(200, folder);
    }
    if ((m = /^GET \/api\/datasources\/uid\/(.+)$/.exec(route))) {
      const ds = org.dataSources.get(m[1]);
      if (!ds) return send(404, { message: 'Data source not found' });
      // Grafana never gives a secret back: it says which it holds.
      const shown: Record<string, unknown> = { ...ds, secureJsonFields: { password: true } };
      delete shown.secureJsonData;
      return send(200, shown);
    }
    if (route === 'POST /api/datasources') {
      if ([...org.dataSources.values()].some((d) => d.name === body.name)) return send(409, { message: 'data source with the same name already exists' });
      org.dataSources.set(body.uid as string, { ...body, version: 1 });
      return send(200, { message: 'Datasource added', datasource: body });
    }
    if ((m = /^PUT \/api\/datasources\/uid\/(.+)$/.exec(route))) {
      const ds = org.dataSources.get(m[1]);
      if (!ds) return send(404, { message: 'Data source not found' });
      org.dataSources.set(m[1], { ...body, version: (ds.version as number) + 1 });
      return send(200, { message: 'Datasource updated' });
    }
    if ((m = /^GET \/api\/dashboards\/uid\/(.+)$/.exec(route))) {
      const d = org.dashboards.get(m[1]);
      return d ? send(200, { dashboard: d.dashboard, meta: { folderUid: d.folderUid, version: d.version } }) : send(404, { message: 'Dashboard not found' });
    }
    if (route === 'POST /api/dashboards/db') {
      const dashboard = body.dashboard as Record<string, unknown>;
      const uid = dashboard.uid as string;
      const folderUid = (body.folderUid as string | undefined) ?? '';
      const existing = org.dashboards.get(uid);
      const clash = [...org.dashboards.values()].find((d) => d.folderUid === folderUid && d.dashboard.title === dashboard.title && d.dashboard.uid !== uid);
      if (clash) return send(412, { status: 'name-exists', message: 'A dashboard with the same name in the folder already exists' });
      if (existing && !body.overwrite && dashboard.version !== existing.version) return send(412, { status: 'version-mismatch', message: 'The dashboard has been changed by someone else' });
      const version = (existing?.version ?? 0) + 1;
      const id = (existing?.dashboard.id as number | undefined) ?? this.nextDashboardId++;
      org.dashboards.set(uid, { dashboard: { ...dashboard, id, version }, folderUid, version });
      return send(200, { status: 'success', uid, id, version, url: `/d/${uid}` });
    }
    return send(404, { message: 'Not found' });
  }
}

const newOrg = (id: number, name: string): MockOrg => ({ id, name, folders: new Map(), dataSources: new Map(), dashboards: new Map() });
