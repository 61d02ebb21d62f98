import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request, { type Response } from 'supertest';
import { AlertsService } from '../../src/alerts/alerts.service';
import { ReportsRepository } from '../../src/reports/reports.repository';
import { ShareLinksService } from '../../src/reports/share-links.service';
import { cutAtCodePoint } from '../../src/platform/validation/safe-text';
import { FIXTURE_CONTRACTS, startTestApp, type TestApp } from '../support/test-app';

/**
 * No HTTP input ever gets a 5xx. Every route (all of GET /docs/openapi.json, and the occupant pages and
 * plumbing the docs leave out) gets valid base values with one part at a time replaced by a hostile value:
 * NUL, lone surrogates, over-long text, extreme numbers and dates, wrong types, deep nesting, unknown
 * fields, broken percent escapes. Each request goes once with an admin key and once without.
 */

/** A hostile value: text (encoded for its place), wire text (sent as is), a JSON literal, or a repeated field. */
type Evil = { text: string } | { wire: string } | { json: string } | { many: string[] };

type Mutation =
  | { at: 'none' }
  | { at: 'path' | 'query' | 'body'; name: string; value: Evil }
  | { at: 'whole-body'; value: Evil }
  | { at: 'content-type'; type: string }
  | { at: 'header'; name: string; value: string };

/** Where a hostile value goes; a path, query or body place without a name is an unknown field. */
type Place = { at: 'path' | 'query' | 'body'; name?: string } | { at: 'whole-body' | 'content-type' | 'header' };

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

interface Route {
  method: Method;
  /** OpenAPI style: /api/v1/sites/{key} */
  template: string;
  query: string[];
  body?: { type: 'json' | 'form'; fields: string[] };
  /** Occupant pages answer a bad form with the same page and its message, as HTML. */
  page?: boolean;
}

interface Base {
  params: Record<string, string>;
  query: Record<string, string>;
  body: Record<string, unknown>;
}

const LIMITS = [64, 200, 500, 512];
const WIDE = ['a', 'ö', '€', '💩', '👩‍👩‍👧'];
const BAD_DATES = [
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '+275760-09-13T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '2026-02-30T00:00:00Z',
  '2026-01-01T24:00:00Z',
  '1969-12-31T23:59:59Z',
  '2200-01-01T00:00:00Z',
  '2026-01-01',
  'yesterday',
];
const EXTREME_NUMBERS = [
  '1e300',
  '-1e300',
  '8640000000000001',
  '9007199254740991',
  '9007199254740993',
  '2147483648',
  '-2147483649',
  '-0',
  '1e-300',
  '1e309',
  '-1e309',
  '0.5',
  '-1',
];
const NOT_NUMBERS = ['NaN', 'Infinity', '-Infinity'];
const WRONG_TYPES = ['null', 'true', 'false', '[]', '["a","b"]', '{}', '{"a":"b"}', '[null]', '0', '""'];
const BAD_ESCAPES = ['%00', 'a%00b', '%C0%80', '%ED%A0%80', '%ED%B0%80', '%', '%zz', 'a%z', '%E2%82', '%FF', '%25%00'];
/** Whole bodies that are not what their content type says. */
const MALFORMED_BODIES = [
  '',
  '{',
  '{"token":"x",}',
  "{'token':1}",
  '{"__proto__":{"x":1}}',
  '{"constructor":{"prototype":{}}}',
  '\u0000',
  'a=1&a[b]=2',
];
const malformedBody = fc.constantFrom(...MALFORMED_BODIES).map((wire): Evil => ({ wire }));
const ODD_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'x'];

const around = (n: number) => fc.integer({ min: n - 1, max: n + 2 });
const shortText = fc.string({ maxLength: 12 });
const textWithUnit = (min: number, max: number) =>
  fc.tuple(shortText, fc.integer({ min, max }), shortText).map(([a, unit, b]) => `${a}${String.fromCharCode(unit)}${b}`);
const nul = fc.tuple(shortText, shortText).map(([a, b]) => `${a}\u0000${b}`);
const loneHigh = textWithUnit(0xd800, 0xdbff);
const loneLow = textWithUnit(0xdc00, 0xdfff);
// Around each limit counted in characters and in UTF-16 units, so a cut may fall inside a pair.
const overLong = fc
  .tuple(fc.constantFrom(...LIMITS).chain(around), fc.constantFrom(...WIDE), fc.boolean())
  .map(([length, unit, inUnits]) => (inUnits ? cutAtCodePoint(`a${unit.repeat(length)}`, length) : unit.repeat(length)));
const epochMsOutOfRange = fc.oneof(
  fc.integer({ min: Date.UTC(2200, 0, 1), max: Number.MAX_SAFE_INTEGER }),
  fc.integer({ min: -8.64e15, max: -1 }),
  fc.constantFrom(8.64e15 + 1, -8.64e15 - 1),
);
const nested = fc
  .tuple(fc.integer({ min: 20, max: 3_000 }), fc.boolean())
  .map(([depth, arrays]) => (arrays ? '['.repeat(depth) + ']'.repeat(depth) : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`));

// Text PostgreSQL refuses: behind most of the old 500s, so every named parameter and field gets it for sure.
const nulText = nul.map((text): Evil => ({ text }));
const loneSurrogate = fc.oneof(loneHigh, loneLow).map((text): Evil => ({ text }));
/** Every class, each as likely as the others. */
const evil: fc.Arbitrary<Evil> = fc.oneof(
  fc.oneof(nulText, loneSurrogate),
  overLong.map((text) => ({ text })),
  fc.constantFrom(...BAD_DATES).map((text) => ({ text })),
  fc.constantFrom(...EXTREME_NUMBERS).map((json) => ({ json })),
  fc.constantFrom(...NOT_NUMBERS).map((text) => ({ text })),
  epochMsOutOfRange.map((ms) => ({ json: String(ms) })),
  fc.constantFrom(...WRONG_TYPES).map((json) => ({ json })),
  nested.map((json) => ({ json })),
  fc.constantFrom(...BAD_ESCAPES).map((wire) => ({ wire })),
  fc.array(fc.oneof(shortText, nul), { minLength: 2, maxLength: 3 }).map((many) => ({ many })),
);
const fieldName = fc.oneof(fc.constantFrom(...ODD_NAMES), nul, loneHigh, overLong);
// Node refuses to send a header value outside tab, printable ASCII and Latin-1; the rest is fair game.
const headerChar = fc
  .integer({ min: 0x20, max: 0xff })
  .filter((c) => c !== 0x7f)
  .map((c) => String.fromCharCode(c));
const headerValue = fc.oneof(
  fc.string({ unit: headerChar, maxLength: 40 }),
  fc
    .constantFrom(...LIMITS)
    .chain(around)
    .map((n) => 'ö'.repeat(n)),
  fc.constantFrom(...BAD_ESCAPES, ...BAD_DATES, 'Bearer ', 'Bearer xla_', `Bearer ${'x'.repeat(600)}`),
);
const HEADERS = ['Authorization', 'Idempotency-Key', 'Accept-Language', 'X-Request-Id'];
const CONTENT_TYPES = ['application/json', 'application/x-www-form-urlencoded', 'text/plain', 'application/xml'];

/** What the docs leave out: the occupant pages behind QR codes and on kiosks, and the plumbing. */
const UNDOCUMENTED: Route[] = [
  { method: 'get', template: '/r/{token}', query: ['lang'], page: true },
  { method: 'post', template: '/r/{token}', query: [], body: { type: 'form', fields: ['id', 'score', 'lang'] }, page: true },
  {
    method: 'post',
    template: '/r/{token}/follow-up',
    query: [],
    body: { type: 'form', fields: ['id', 'score', 'reasons', 'comment', 'skip', 'lang'] },
    page: true,
  },
  { method: 'get', template: '/r/{token}/report', query: ['lang'], page: true },
  {
    method: 'post',
    template: '/r/{token}/report',
    query: [],
    body: { type: 'form', fields: ['id', 'category', 'comment', 'lang'] },
    page: true,
  },
  { method: 'get', template: '/k/{token}', query: ['lang'], page: true },
  { method: 'get', template: '/s/{token}', query: ['period'], page: true },
  { method: 'post', template: '/k/{token}', query: [], body: { type: 'form', fields: ['id', 'score', 'lang'] }, page: true },
  { method: 'get', template: '/', query: [] },
  { method: 'get', template: '/health', query: [] },
  { method: 'get', template: '/health/ready', query: [] },
  { method: 'get', template: '/metrics', query: [] },
];

/** Routes whose valid base request is no success on these fixtures, with the status it gets. */
const BASE_STATUS: Record<string, number> = {
  // The fixtures define no connector: the key is looked up and not found.
  'post /api/v1/connectors/{key}/run': 404,
};

/** Optional fields the base request leaves out, where sending them would make it invalid. */
const OMITTED_FIELDS: Record<string, string[]> = {
  // An inspection has a score; a consumable is a refill's, and a score and passed together say the same twice.
  'post /api/v1/events': ['consumable', 'passed'],
  // A site is for device keys only; the base request makes a client viewer's key.
  'post /api/v1/api-keys': ['site'],
  // A period and a window together are refused: the base request names the period.
  'get /api/v1/contracts/{key}/scorecard': ['window'],
  'get /api/v1/contracts/{key}/watermelons': ['window'],
  'get /api/v1/contracts/{key}/daily': ['window'],
  'get /api/v1/sites/{key}/scorecard': ['window'],
  'get /api/v1/objectives/{ref}': ['window'],
};

/** The key of a real fixture resource, by the collection in the path before it. */
const KEY_OF: Record<string, string> = {
  clients: 'alpha',
  contracts: 'alpha-fm',
  sites: 'alpha-hq',
  zones: 'alpha-hq.1f-restroom',
  touchpoints: 'alpha-1f-restroom-qr',
  devices: 'alpha-hq.alpha-1f-soap',
  connectors: 'alpha-legacy',
  objectives: 'alpha-fm.restroom-csat',
};

/** The fixtures define no objective: the fuzz run adds one to alpha, so the objective route has one to show. */
const ALPHA_OBJECTIVES = `objectives:
  - { key: restroom-csat, kind: xla, indicator: csat, target: 0.85, scope: { zoneTypes: [restroom] } }
`;

const hoursFromNow = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

describe('HTTP input fuzzing', () => {
  let sut: TestApp;
  let admin: string;
  let routes: Route[];
  let contractsDir: string;
  const tokens = { restroom: '', kiosk: '' };

  beforeAll(async () => {
    contractsDir = mkdtempSync(join(tmpdir(), 'xla-fuzz-'));
    cpSync(FIXTURE_CONTRACTS, contractsDir, { recursive: true });
    appendFileSync(join(contractsDir, 'alpha.yaml'), ALPHA_OBJECTIVES);
    sut = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '0', CONTRACTS_DIR: contractsDir } });
    admin = await sut.keyFor('admin');
    tokens.restroom = await sut.tokenOf('alpha-1f-restroom-qr');
    tokens.kiosk = await sut.tokenOf('alpha-branch-kiosk');
    const documented = documentedRoutes((await request(sut.http).get('/docs/openapi.json').expect(200)).body as OpenApi);
    const known = new Set(documented.map((r) => `${r.method} ${r.template}`));
    routes = [...documented, ...UNDOCUMENTED.filter((r) => !known.has(`${r.method} ${r.template}`))];
  });
  afterAll(async () => {
    await sut.close();
    rmSync(contractsDir, { recursive: true, force: true });
  });

  /** A rating stored just now on the restroom QR code, so a follow-up to it is still taken. */
  const freshRatingId = async () => {
    const id = randomUUID();
    await request(sut.http).post('/api/v1/ratings').send({ token: tokens.restroom, score: 2, id }).expect(201);
    return id;
  };

  /** An incident of the fixtures (a report opens one, or joins the open one; acknowledging and resolving again change nothing). */
  const freshIncidentId = async () => {
    await request(sut.http).post('/api/v1/incidents').send({ token: tokens.restroom, category: 'other', id: randomUUID() }).expect(201);
    const res = await request(sut.http).get('/api/v1/incidents').set('Authorization', `Bearer ${admin}`).expect(200);
    const found = (res.body.items as Array<{ id: string; category: string }>).find((i) => i.category === 'other');
    if (!found) throw new Error(`no incident: ${JSON.stringify(res.body)}`);
    return found.id;
  };

  /** An unresolved alert of the restroom (the one open, or a new one), raised as its rule raises it. */
  const freshAlertId = async () => {
    const [zone] = await sut.dataSource.query<Array<{ id: string; client_id: string }>>(`SELECT z.id, z.client_id FROM zones z JOIN sites s ON s.id = z.site_id WHERE s.key = 'alpha-hq' AND z.key = '1f-restroom'`);
    const alerts = sut.app.get(AlertsService);
    const place = await alerts.zonePlace(zone.client_id, zone.id);
    const raised = await alerts.raise({ place: place!, rule: 'negative_feedback', scope: `zone:${zone.id}`, detail: { reasons: ['no_soap'] } });
    return raised!.id;
  };

  /** A stored report of alpha's (made once, as the monthly job stores one; the reports test makes real ones). */
  let storedReport: string | undefined;
  const storedReportFile = async () => {
    if (!storedReport) {
      const [contract] = await sut.dataSource.query<Array<{ id: string; clientId: string }>>(`SELECT id, client_id AS "clientId" FROM contracts WHERE key = 'alpha-fm'`);
      await sut.app.get(ReportsRepository).store(contract, '2026-09', new Date(), { html: '<p>Rapport</p>', csv: 'contract\nalpha-fm\n', pdf: Buffer.from('%PDF-1.4\n'), language: 'sv' });
      [{ id: storedReport }] = await sut.dataSource.query<Array<{ id: string }>>(`SELECT id FROM reports WHERE contract_id = $1`, [contract.id]);
    }
    return `${storedReport}.csv`;
  };

  /** A share link of alpha's contract, made as its account team makes one. */
  const freshShareLink = () => sut.app.get(ShareLinksService).create({ role: 'admin', clientId: null, siteId: null, keyId: null }, 'alpha-fm', { label: 'fuzz' });

  /** Real fixture values for every part of the route, so a request with one part mutated gets past the others. */
  async function baseOf(route: Route): Promise<Base> {
    const ratingId = route.template.endsWith('/follow-up')
      ? await freshRatingId()
      : route.template.startsWith('/api/v1/incidents/')
        ? await freshIncidentId()
        : route.template.startsWith('/api/v1/alerts/')
          ? await freshAlertId()
          : route.template.includes('/share-links/')
            ? (await freshShareLink()).id
            : undefined;
    const shareToken = route.template === '/s/{token}' ? (await freshShareLink()).token : undefined;
    const reportFile = route.template === '/api/v1/reports/{file}' ? await storedReportFile() : undefined;
    const segments = route.template.split('/');
    const params: Record<string, string> = {};
    segments.forEach((segment, i) => {
      const name = /^\{(.+)\}$/.exec(segment)?.[1];
      if (!name) return;
      const byName: Record<string, string | undefined> = {
        token: segments[i - 1] === 'k' ? tokens.kiosk : segments[i - 1] === 's' ? shareToken : tokens.restroom,
        id: ratingId,
        zone: KEY_OF.zones,
        signal: 'people_count',
        file: reportFile,
      };
      const value = byName[name] ?? KEY_OF[segments[i - 1]];
      if (value === undefined) throw new Error(`No base value for {${name}} in ${route.template}: add one to this test.`);
      params[name] = value;
    });
    const query: Record<string, unknown> = {
      page: '1',
      limit: '20',
      contract: 'alpha-fm',
      site: 'alpha-hq',
      zone: KEY_OF.zones,
      // A device's health for the catalog; a task's or an incident's state for those.
      status: route.template === '/api/v1/tasks' ? 'missed' : route.template === '/api/v1/incidents' ? 'open' : 'online',
      // Alerts: those not resolved, of one rule.
      state: 'unresolved',
      rule: 'negative_feedback',
      touchpoint: 'alpha-1f-restroom-qr',
      // An interval's kind (zone intervals).
      kind: 'soap_out',
      from: hoursFromNow(-24),
      to: hoursFromNow(1),
      device: KEY_OF.devices,
      signal: 'soap_level',
      reason: 'malformed',
      lang: 'sv',
      // Scoring: a calendar month, the benchmark's indicator, and the heatmap's.
      // (The live page offers the current month and the twelve before it.)
      period: route.template === '/s/{token}' ? new Date().toISOString().slice(0, 7) : '2026-10',
      rankBy: 'happy_index',
      indicator: 'csat',
      // A report's format.
      format: 'csv',
    };
    const body: Record<string, unknown> = {
      token: tokens.restroom,
      // Neutral on the five-face scale and among the kiosk's four, so the reason below is allowed.
      // An inspection's score is 0-100.
      score: route.template === '/api/v1/events' ? 80 : route.body?.type === 'form' ? '3' : 3,
      reasons: ['no_soap'],
      comment: 'Tvålen är slut 🧼',
      ts: hoursFromNow(0),
      id: ratingId ?? randomUUID(),
      language: 'sv',
      category: 'leak',
      role: 'client_viewer',
      client: 'alpha',
      name: 'fuzz',
      lang: 'sv',
      // Device credentials: rotating succeeds every time, so the base request never meets a 409.
      rotate: true,
      // A service event: an inspection with a score (the fields of the other kinds are left out, below).
      zone: KEY_OF.zones,
      kind: 'inspection',
      tag: 'auditor-1',
      note: 'Golvet nyss moppat',
      // An alert's snooze.
      minutes: 30,
      // A share link: one site, a week, and who it is for.
      site: 'alpha-hq',
      expiresInDays: 7,
      label: 'Alpha facilities team',
    };
    const pick = (names: string[], from: Record<string, unknown>) =>
      Object.fromEntries(
        names
          .filter((name) => name !== 'skip' && !OMITTED_FIELDS[`${route.method} ${route.template}`]?.includes(name))
          .map((name) => {
            if (!(name in from)) throw new Error(`No base value for "${name}" in ${route.template}: add one to this test.`);
            return [name, from[name]];
          }),
      );
    return { params, query: pick(route.query, query) as Record<string, string>, body: pick(route.body?.fields ?? [], body) };
  }

  async function send(route: Route, base: Base, mutation: Mutation, withKey: boolean) {
    const wire = (at: 'path' | 'query', name: string, plain: string) =>
      mutation.at === at && mutation.name === name ? wireValues(mutation.value) : [percentEncode(plain)];
    const path = route.template.replace(/\{(.+?)\}/g, (_, name: string) => wire('path', name, base.params[name]).join(','));
    const pairs = (name: string, values: string[]) => values.map((v) => `${percentEncode(name)}=${v}`);
    const query = Object.entries(base.query).flatMap(([name, value]) => pairs(name, wire('query', name, value)));
    if (mutation.at === 'query' && !(mutation.name in base.query)) query.push(...pairs(mutation.name, wireValues(mutation.value)));
    const url = query.length ? `${path}?${query.join('&')}` : path;

    let req = request(sut.http)[route.method](url);
    if (withKey) req = req.set('Authorization', `Bearer ${admin}`);
    if (mutation.at === 'header') req = req.set(mutation.name, mutation.value);

    let body: string | undefined;
    let type = route.body?.type === 'form' ? 'application/x-www-form-urlencoded' : 'application/json';
    if (route.body) {
      if (mutation.at === 'content-type') type = mutation.type;
      body = bodyOf(route.body.type, base.body, mutation);
      req = req.set('Content-Type', type).send(body);
    }
    const sent = body === undefined ? '' : ` ${type} ${body.slice(0, 300)}`;
    return { label: `${route.method.toUpperCase()} ${url}${withKey ? ' (admin key)' : ''}${sent}`, res: await req };
  }

  /** 'ok', or what is wrong with the answer. */
  function verdict(route: Route, label: string, res: Response): string {
    const type = String(res.headers['content-type'] ?? '');
    if (res.status >= 500) return `${label} → ${res.status} ${res.text.slice(0, 300)}`;
    const problem = type.startsWith('application/problem+json') || (route.page === true && type.startsWith('text/html'));
    if (res.status !== 400 || problem) return 'ok';
    return `${label} → 400 as ${type}: ${res.text.slice(0, 300)}`;
  }

  it('reaches the handlers: the base request of every route succeeds', async () => {
    expect(routes.length).toBeGreaterThan(20);
    for (const route of routes) {
      const { label, res } = await send(route, await baseOf(route), { at: 'none' }, true);
      const expected = BASE_STATUS[`${route.method} ${route.template}`];
      const outcome = expected === undefined && res.status < 400 ? 'success' : res.status;
      expect({ label, outcome }).toEqual({ label, outcome: expected ?? 'success' });
    }
  });

  it('answers a path that cannot be percent-decoded as problem+json', async () => {
    for (const path of ['/api/v1/sites/%zz', '/r/%ED%A0%80']) {
      const res = await request(sut.http).get(path);
      const type = expect.stringMatching(/^application\/problem\+json/) as unknown;
      expect({ path, status: res.status, type: res.headers['content-type'] }).toEqual({ path, status: 400, type });
    }
  });

  it('answers every hostile input below 500, and a 400 as problem+json (or as the occupant page again)', async () => {
    for (const route of routes) {
      for (const place of placesOf(route)) {
        for (const values of [...unstorableFor(route, place), evil]) {
          await fc.assert(
            fc.asyncProperty(mutationsAt(place, values), async (mutation) => {
              const base = await baseOf(route);
              for (const withKey of [true, false]) {
                const { label, res } = await send(route, base, mutation, withKey);
                expect(verdict(route, label, res)).toBe('ok');
              }
            }),
            { numRuns: 1 },
          );
        }
      }
    }
  });
});

/** Every place a hostile value can go: each path parameter, query parameter and body field, unknown ones, the whole body. */
function placesOf(route: Route): Place[] {
  const params = [...route.template.matchAll(/\{(.+?)\}/g)].map((m) => ({ at: 'path' as const, name: m[1] }));
  const query = [...route.query.map((name) => ({ at: 'query' as const, name })), { at: 'query' as const }];
  const fields = route.body?.fields.map((name) => ({ at: 'body' as const, name })) ?? [];
  const body: Place[] = route.body ? [...fields, { at: 'body' }, { at: 'whole-body' }, { at: 'content-type' }] : [];
  return [...params, ...query, ...body, { at: 'header' }];
}

/** Unstorable text as the place can carry it: percent-encoded, a lone surrogate is only an invalid escape (among BAD_ESCAPES). */
function unstorableFor(route: Route, place: Place): Array<fc.Arbitrary<Evil>> {
  if (!('name' in place) || place.name === undefined) return [];
  return place.at === 'body' && route.body?.type === 'json' ? [nulText, loneSurrogate] : [nulText];
}

function mutationsAt(place: Place, values: fc.Arbitrary<Evil>): fc.Arbitrary<Mutation> {
  switch (place.at) {
    case 'header':
      return fc.record({ at: fc.constant(place.at), name: fc.constantFrom(...HEADERS), value: headerValue });
    case 'content-type':
      return fc.record({ at: fc.constant(place.at), type: fc.constantFrom(...CONTENT_TYPES) });
    case 'whole-body':
      return fc.record({ at: fc.constant(place.at), value: fc.oneof(values, malformedBody) });
    default: {
      const name = place.name === undefined ? fieldName : fc.constant(place.name);
      return fc.record({ at: fc.constant(place.at), name, value: values });
    }
  }
}

/** Percent-encodes text as UTF-8; a lone surrogate as its generalised-UTF-8 bytes (%ED%A0%80), as careless clients send it. */
function percentEncode(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(text.slice(i, i + 2));
      i++;
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      const bytes = [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)];
      out += bytes.map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else {
      out += encodeURIComponent(text[i]);
    }
  }
  return out;
}

/** The mutated value as it goes into a path, query string or form; a repeated field is several values. */
function wireValues(value: Evil): string[] {
  if ('many' in value) return value.many.map(percentEncode);
  if ('wire' in value) return [value.wire];
  if ('text' in value) return [percentEncode(value.text)];
  return [percentEncode(value.json.startsWith('"') ? (JSON.parse(value.json) as string) : value.json)];
}

function jsonLiteral(value: Evil): string {
  if ('json' in value) return value.json;
  if ('text' in value) return JSON.stringify(value.text);
  if ('wire' in value) return JSON.stringify(value.wire);
  return JSON.stringify(value.many);
}

/** The body with the mutation applied, in the route's encoding, or in the one a content-type mutation names. */
function bodyOf(encoding: 'json' | 'form', fields: Record<string, unknown>, mutation: Mutation): string {
  if (mutation.at === 'whole-body') {
    if ('wire' in mutation.value) return mutation.value.wire;
    return encoding === 'json' ? jsonLiteral(mutation.value) : wireValues(mutation.value).join('&');
  }
  if (mutation.at === 'content-type') return mutation.type.endsWith('urlencoded') ? formOf(fields) : JSON.stringify(fields);
  return encoding === 'json' ? jsonBody(fields, mutation) : formBody(fields, mutation);
}

function jsonBody(fields: Record<string, unknown>, mutation: Mutation): string {
  const entries = Object.entries(fields).map(([name, value]) => [name, JSON.stringify(value)]);
  if (mutation.at === 'body') {
    const at = entries.findIndex(([name]) => name === mutation.name);
    if (at >= 0) entries[at][1] = jsonLiteral(mutation.value);
    else entries.push([mutation.name, jsonLiteral(mutation.value)]);
  }
  return `{${entries.map(([name, literal]) => `${JSON.stringify(name)}:${literal}`).join(',')}}`;
}

const formOf = (fields: Record<string, unknown>) =>
  Object.entries(fields)
    .flatMap(([name, value]) => [value].flat().map((v) => `${percentEncode(name)}=${percentEncode(String(v))}`))
    .join('&');

function formBody(fields: Record<string, unknown>, mutation: Mutation): string {
  if (mutation.at !== 'body') return formOf(fields);
  const rest = Object.fromEntries(Object.entries(fields).filter(([name]) => name !== mutation.name));
  const mutated = wireValues(mutation.value).map((v) => `${percentEncode(mutation.name)}=${v}`);
  return [formOf(rest), ...mutated].filter(Boolean).join('&');
}

interface OpenApiSchema {
  $ref?: string;
  properties?: Record<string, unknown>;
}
interface OpenApiOperation {
  parameters?: Array<{ in: string; name: string }>;
  requestBody?: { content: Record<string, { schema: OpenApiSchema }> };
}
interface OpenApi {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, OpenApiSchema> };
}

/** Every route the docs list, with its query parameters and JSON body fields. */
function documentedRoutes(doc: OpenApi): Route[] {
  const resolve = (schema: OpenApiSchema) => (schema.$ref ? doc.components?.schemas?.[schema.$ref.split('/').pop()!] : schema) ?? {};
  return Object.entries(doc.paths).flatMap(([template, operations]) =>
    Object.entries(operations).map(([method, operation]): Route => {
      const query = (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      const schema = operation.requestBody?.content['application/json']?.schema;
      const body = schema ? { type: 'json' as const, fields: Object.keys(resolve(schema).properties ?? {}) } : undefined;
      return { method: method as Method, template, query, ...(body ? { body } : {}) };
    }),
  );
}
