import { parse } from 'csv-parse/sync';
import { STATUS_CODES } from 'node:http';
import type { ConnectorSettings } from '../../catalog/connector.entity';
import type { ConnectorType } from '../../catalog/contract-file.schema';
import { readField } from './connector-mapping';

/** Where a connector stands: the page to resume from after an interrupted run, and the newest record time imported. */
export interface ConnectorCursor {
  next?: string | null;
  since?: string | null;
  /** Newest time seen by a run that has not finished yet; becomes `since` when it does (pages need not be in time order). */
  pendingSince?: string | null;
}

export interface SourcePage {
  url: string;
  records: unknown[];
  /** The page after this one, or null when the source is exhausted. */
  next: string | null;
}

export interface SourceDeps {
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  /** The auth header, resolved from the environment at run time. */
  headers: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** A source failure that ends the run: its message is shown in the connector status. */
export class SourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceError';
  }
}

const MAX_PAGES = 10_000;

/** Reads a source page by page, from the cursor on. Stops at the first page that cannot be read. */
export async function* readPages(type: ConnectorType, settings: ConnectorSettings, cursor: ConnectorCursor, deps: SourceDeps): AsyncGenerator<SourcePage> {
  const first = firstUrl(settings, cursor);
  if (type === 'csv') {
    const text = await get(first, settings, deps, 'text/csv');
    yield { url: first, records: parseCsv(text, first), next: null };
    return;
  }
  const origin = new URL(settings.url).origin;
  // A resume point on another host (the contract's URL changed since) is dropped, as it would get this host's credentials.
  let url: string | null = cursor.next && new URL(cursor.next).origin === origin ? cursor.next : first;
  for (let n = 0; url && n < MAX_PAGES; n++) {
    const body = parseJson(await get(url, settings, deps, 'application/json'), url);
    const records = settings.paging.items ? readField(body, settings.paging.items) : body;
    if (!Array.isArray(records)) {
      throw new SourceError(`${url}: expected a list of records ${settings.paging.items ? `at "${settings.paging.items}"` : 'as the response'}`);
    }
    let next = nextUrl(body, url, settings);
    if (next && new URL(next).origin !== origin) {
      // The auth header must never go to another host.
      throw new SourceError(`${url}: the next page ${next} is on another host than ${origin}`);
    }
    if (next === url || records.length === 0) next = null;
    yield { url, records, next };
    url = next;
  }
}

/** The configured URL, with the newest time already imported when the source takes one. */
export function firstUrl(settings: ConnectorSettings, cursor: ConnectorCursor): string {
  const url = new URL(settings.url);
  if (settings.paging.sinceParam && cursor.since) url.searchParams.set(settings.paging.sinceParam, cursor.since);
  return url.href;
}

function nextUrl(body: unknown, current: string, settings: ConnectorSettings): string | null {
  if (!settings.paging.next) return null;
  const value = readField(body, settings.paging.next);
  if (value === undefined || value === null || value === '' || value === false) return null;
  if (typeof value !== 'string' && typeof value !== 'number') throw new SourceError(`${current}: expected a URL or cursor at "${settings.paging.next}"`);
  if (settings.paging.cursorParam) {
    const url = new URL(current);
    url.searchParams.set(settings.paging.cursorParam, String(value));
    return url.href;
  }
  try {
    return new URL(String(value), current).href;
  } catch {
    throw new SourceError(`${current}: "${String(value)}" at "${settings.paging.next}" is not a URL`);
  }
}

const isRetryable = (status: number) => status === 408 || status === 429 || status >= 500;

/** One GET with retries: network errors, timeouts, 408, 429 and 5xx are tried again after exponential backoff. */
async function get(url: string, settings: ConnectorSettings, deps: SourceDeps, accept: string): Promise<string> {
  const { attempts, delay } = settings.retry;
  let problem = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await deps.sleep(delay * 2 ** (attempt - 2));
    deps.signal?.throwIfAborted();
    let response: { status: number; statusText: string; ok: boolean; text: string };
    try {
      const signal = AbortSignal.any([AbortSignal.timeout(deps.timeoutMs ?? 30_000), ...(deps.signal ? [deps.signal] : [])]);
      const res = await deps.fetch(url, { headers: { Accept: accept, ...deps.headers }, signal, redirect: 'manual' });
      // HTTP/2 has no reason phrase: name the status ourselves.
      response = { status: res.status, statusText: res.statusText || (STATUS_CODES[res.status] ?? ''), ok: res.ok, text: await res.text() };
    } catch (error) {
      if (deps.signal?.aborted) throw error;
      problem = `failed: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}`;
      continue;
    }
    if (response.ok) return response.text;
    problem = `answered ${response.status} ${response.statusText}`.trim();
    if (!isRetryable(response.status)) return fail(url, problem, attempt);
  }
  return fail(url, problem, attempts);
}

function fail(url: string, problem: string, attempts: number): never {
  throw new SourceError(`GET ${url} ${problem}${attempts > 1 ? ` (after ${attempts} attempts)` : ''}`);
}

function parseJson(text: string, url: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new SourceError(`${url}: the response is not JSON`);
  }
}

function parseCsv(text: string, url: string): Array<Record<string, string>> {
  try {
    return parse<Record<string, string>>(text, { columns: true, bom: true, skip_empty_lines: true, trim: true });
  } catch (error) {
    throw new SourceError(`${url}: the CSV cannot be read: ${(error as Error).message}`);
  }
}
