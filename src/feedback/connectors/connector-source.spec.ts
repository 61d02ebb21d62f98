import type { ConnectorSettings } from '../../catalog/connector.entity';
import type { ConnectorType } from '../../catalog/contract-file.schema';
import { readPages, SourceError, type ConnectorCursor, type SourceDeps } from './connector-source';

const settingsFactory = (overrides: Partial<ConnectorSettings> = {}): ConnectorSettings => ({
  url: 'https://legacy.example.com/api/ratings?site=7',
  paging: { items: 'data', next: 'next' },
  mapping: { id: 'id', touchpoint: 'tp', score: 'score', ts: 'ts' },
  retry: { attempts: 3, delay: 100 },
  ...overrides,
});

type Reply = { status: number; body?: unknown } | Error;

/** A fetch that answers from a script per URL and records what was asked. */
function fakeSource(script: Record<string, Reply[]>) {
  const asked: Array<{ url: string; headers: Record<string, string> }> = [];
  const slept: number[] = [];
  const deps: SourceDeps = {
    headers: { Authorization: 'Bearer t' },
    sleep: (ms) => Promise.resolve(void slept.push(ms)),
    fetch: (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      asked.push({ url, headers: init?.headers as Record<string, string> });
      const reply = script[url]?.shift() ?? { status: 404 };
      if (reply instanceof Error) return Promise.reject(reply);
      const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? null);
      return Promise.resolve(new Response(text, { status: reply.status }));
    },
  };
  return { deps, asked, slept };
}

async function pagesOf(type: ConnectorType, settings: ConnectorSettings, cursor: ConnectorCursor, deps: SourceDeps) {
  const pages = [];
  for await (const page of readPages(type, settings, cursor, deps)) pages.push(page);
  return pages;
}

const BASE = 'https://legacy.example.com/api/ratings?site=7';

describe(readPages.name, () => {
  it('follows relative next links until there are none, with the auth header on every request', async () => {
    const { deps, asked } = fakeSource({
      [BASE]: [{ status: 200, body: { data: [{ id: 1 }], next: '/api/ratings?site=7&page=2' } }],
      'https://legacy.example.com/api/ratings?site=7&page=2': [{ status: 200, body: { data: [{ id: 2 }], next: null } }],
    });
    const sut = await pagesOf('http-json', settingsFactory(), {}, deps);
    expect(sut.map((p) => [p.records, p.next])).toEqual([
      [[{ id: 1 }], 'https://legacy.example.com/api/ratings?site=7&page=2'],
      [[{ id: 2 }], null],
    ]);
    expect(asked.every((a) => a.headers.Authorization === 'Bearer t')).toBe(true);
  });

  it('passes a cursor token and the time already imported as query parameters', async () => {
    const settings = settingsFactory({ paging: { items: 'items', next: 'cursor', cursorParam: 'after', sinceParam: 'since' } });
    const first = `${BASE}&since=2026-03-01T00%3A00%3A00.000Z`;
    const { deps } = fakeSource({
      [first]: [{ status: 200, body: { items: [{ id: 1 }], cursor: 'abc' } }],
      [`${first}&after=abc`]: [{ status: 200, body: { items: [], cursor: 'abc' } }],
    });
    const sut = await pagesOf('http-json', settings, { since: '2026-03-01T00:00:00.000Z' }, deps);
    expect(sut.map((p) => p.url)).toEqual([first, `${first}&after=abc`]);
    expect(sut[1].next).toBeNull();
  });

  it('resumes at the page where an interrupted run stopped', async () => {
    const resume = `${BASE}&page=3`;
    const { deps, asked } = fakeSource({ [resume]: [{ status: 200, body: { data: [] } }] });
    await pagesOf('http-json', settingsFactory(), { next: resume, since: '2026-03-01T00:00:00Z' }, deps);
    expect(asked.map((a) => a.url)).toEqual([resume]);
  });

  it('starts afresh when the resume point is on a host the connector no longer reads', async () => {
    const { deps, asked } = fakeSource({ [BASE]: [{ status: 200, body: { data: [] } }] });
    await pagesOf('http-json', settingsFactory(), { next: 'https://old-legacy.example.com/api/ratings?page=3' }, deps);
    expect(asked.map((a) => a.url)).toEqual([BASE]);
  });

  it('retries 5xx, 429 and network errors with exponential backoff', async () => {
    const { deps, slept } = fakeSource({ [BASE]: [{ status: 503 }, new TypeError('fetch failed'), { status: 200, body: { data: [{ id: 1 }] } }] });
    const sut = await pagesOf('http-json', settingsFactory(), {}, deps);
    expect(sut[0].records).toEqual([{ id: 1 }]);
    expect(slept).toEqual([100, 200]);
  });

  it('gives up after the last attempt, saying what the source answered', async () => {
    const { deps, asked } = fakeSource({ [BASE]: [{ status: 429 }, { status: 502 }, { status: 503 }, { status: 200 }] });
    await expect(pagesOf('http-json', settingsFactory(), {}, deps)).rejects.toThrow(new SourceError(`GET ${BASE} answered 503 Service Unavailable (after 3 attempts)`));
    expect(asked).toHaveLength(3);
  });

  it('does not retry a client error', async () => {
    const { deps, asked } = fakeSource({ [BASE]: [{ status: 403 }] });
    await expect(pagesOf('http-json', settingsFactory(), {}, deps)).rejects.toThrow(`GET ${BASE} answered 403 Forbidden`);
    expect(asked).toHaveLength(1);
  });

  it('refuses to send the auth header to another host', async () => {
    const { deps, asked } = fakeSource({ [BASE]: [{ status: 200, body: { data: [{ id: 1 }], next: 'https://evil.example.net/steal' } }] });
    await expect(pagesOf('http-json', settingsFactory(), {}, deps)).rejects.toThrow('is on another host');
    expect(asked).toHaveLength(1);
  });

  it('says where it expected the records', async () => {
    const { deps } = fakeSource({ [BASE]: [{ status: 200, body: { results: [] } }] });
    await expect(pagesOf('http-json', settingsFactory(), {}, deps)).rejects.toThrow(`${BASE}: expected a list of records at "data"`);
    const html = fakeSource({ [BASE]: [{ status: 200, body: '<html>' }] });
    await expect(pagesOf('http-json', settingsFactory(), {}, html.deps)).rejects.toThrow('the response is not JSON');
  });

  it('reads a CSV export as one page of records keyed by column', async () => {
    const csv = '\uFEFFid,Location,Score,Comment\n1,L-17,5,"Clean, thanks"\n\n2,L-18,1,\n';
    const { deps } = fakeSource({ [BASE]: [{ status: 200, body: csv }] });
    const sut = await pagesOf('csv', settingsFactory({ paging: {} }), {}, deps);
    expect(sut).toEqual([
      {
        url: BASE,
        next: null,
        records: [
          { id: '1', Location: 'L-17', Score: '5', Comment: 'Clean, thanks' },
          { id: '2', Location: 'L-18', Score: '1', Comment: '' },
        ],
      },
    ]);
    const broken = fakeSource({ [BASE]: [{ status: 200, body: 'id,score\n1,2,3\n' }] });
    await expect(pagesOf('csv', settingsFactory({ paging: {} }), {}, broken.deps)).rejects.toThrow('the CSV cannot be read');
  });
});
