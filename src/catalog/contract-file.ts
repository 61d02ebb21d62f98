import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { ReasonSet, ZoneType } from './catalog.types';
import { contractFileSchema, type ContractFile } from './contract-file.schema';

export interface LoadedContractFile {
  path: string;
  spec: ContractFile;
  /** `path:line` of the value at a YAML path, for errors found after parsing (e.g. in the database). */
  locate(path: Array<string | number>): string;
}

/** One or more problems in contract files, each as `path:line: what is wrong`. */
export class ContractFileError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ContractFileError';
  }
}

export function defaultReasonSets(type: ZoneType): ReasonSet[] {
  return type === 'other' ? ['general'] : [type];
}

/** Parses and validates one contract YAML text. Pure: no I/O, no framework. */
export function parseContractFile(path: string, source: string): LoadedContractFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => `${path}:${lineCounter.linePos(offset).line}`;
  if (doc.errors.length > 0) {
    throw new ContractFileError(doc.errors.map((e) => `${at(e.pos[0])}: ${e.message.split('\n')[0]}`));
  }
  const locate = (keyPath: Array<string | number>) => `${path}:${lineOf(doc, lineCounter, keyPath)}`;
  const parsed = contractFileSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    throw new ContractFileError(
      parsed.error.issues.map((issue) => {
        const keyPath = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
        return `${locate(keyPath)}: ${keyPath.join('.') || '(file)'}: ${issue.message}`;
      }),
    );
  }
  const spec = parsed.data;
  const problems = keyProblems(spec).map(({ path: p, message }) => `${locate(p)}: ${p.join('.')}: ${message}`);
  if (problems.length > 0) throw new ContractFileError(problems);
  return { path, spec, locate };
}

/** Loads every *.yaml/*.yml in a folder, sorted by name; all problems of all files in one error. */
export function loadContractDirectory(dir: string, cwd = process.cwd()): LoadedContractFile[] {
  const names = readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort();
  const loaded: LoadedContractFile[] = [];
  const problems: string[] = [];
  for (const name of names) {
    const full = join(dir, name);
    try {
      loaded.push(parseContractFile(displayPath(full, cwd), readFileSync(full, 'utf8')));
    } catch (error) {
      if (!(error instanceof ContractFileError)) throw error;
      problems.push(...error.problems);
    }
  }
  const contractKeys = new Map<string, string>();
  for (const file of loaded) {
    const other = contractKeys.get(file.spec.contract.key);
    if (other) problems.push(`${file.locate(['contract', 'key'])}: contract.key: "${file.spec.contract.key}" is also used in ${other}`);
    contractKeys.set(file.spec.contract.key, file.path);
  }
  if (problems.length > 0) throw new ContractFileError(problems);
  return loaded;
}

function displayPath(full: string, cwd: string): string {
  const rel = relative(cwd, full);
  return rel && !rel.startsWith('..') ? rel : resolve(full);
}

function keyProblems(spec: ContractFile): Array<{ path: Array<string | number>; message: string }> {
  const found: Array<{ path: Array<string | number>; message: string }> = [];
  const once = (seen: Set<string>, key: string, path: Array<string | number>, scope: string) => {
    if (seen.has(key)) found.push({ path, message: `"${key}" is used twice ${scope}` });
    seen.add(key);
  };
  const sites = new Set<string>();
  const touchpoints = new Set<string>();
  spec.sites.forEach((site, s) => {
    once(sites, site.key, ['sites', s, 'key'], 'as a site key');
    const zones = new Set<string>();
    const devices = new Set<string>();
    site.zones.forEach((zone, z) => {
      once(zones, zone.key, ['sites', s, 'zones', z, 'key'], `as a zone key in site ${site.key}`);
      zone.touchpoints.forEach((tp, t) => once(touchpoints, tp.key, ['sites', s, 'zones', z, 'touchpoints', t, 'key'], 'as a touchpoint key'));
      zone.devices.forEach((d, i) => once(devices, d.key, ['sites', s, 'zones', z, 'devices', i, 'key'], `as a device key in site ${site.key}`));
    });
  });
  const connectors = new Set<string>();
  spec.connectors.forEach((c, i) => {
    once(connectors, c.key, ['connectors', i, 'key'], 'as a connector key');
    for (const [code, key] of Object.entries(c.touchpointMap ?? {})) {
      if (!touchpoints.has(key)) found.push({ path: ['connectors', i, 'touchpointMap', code], message: `"${key}" is not a touchpoint of this contract` });
    }
  });
  found.push(...objectiveProblems(spec), ...alertProblems(spec));
  return found;
}

/** Alert recipients and overrides naming sites that are not this contract's, and recipient keys used twice. */
function alertProblems(spec: ContractFile): Array<{ path: Array<string | number>; message: string }> {
  const found: Array<{ path: Array<string | number>; message: string }> = [];
  const siteKeys = spec.sites.map((s) => s.key);
  const foreign = (keys: readonly string[] | undefined, path: Array<string | number>) =>
    (keys ?? []).forEach((key, j) => {
      if (!siteKeys.includes(key)) found.push({ path: [...path, j], message: `"${key}" is not a site of this contract (${siteKeys.join(', ')})` });
    });
  const keys = new Set<string>();
  spec.alerts.recipients.forEach((r, i) => {
    if (keys.has(r.key)) found.push({ path: ['alerts', 'recipients', i, 'key'], message: `"${r.key}" is used twice as a recipient key` });
    keys.add(r.key);
    foreign(r.sites, ['alerts', 'recipients', i, 'sites']);
  });
  spec.alerts.overrides.forEach((o, i) => foreign(o.sites, ['alerts', 'overrides', i, 'sites']));
  return found;
}

/** Objective keys used twice, scope sites that are not this contract's, and scopes that cover no zone. */
function objectiveProblems(spec: ContractFile): Array<{ path: Array<string | number>; message: string }> {
  const found: Array<{ path: Array<string | number>; message: string }> = [];
  const siteKeys = spec.sites.map((s) => s.key);
  const keys = new Set<string>();
  spec.objectives.forEach((o, i) => {
    if (keys.has(o.key)) found.push({ path: ['objectives', i, 'key'], message: `"${o.key}" is used twice as an objective key` });
    keys.add(o.key);
    const foreign = (o.scope.sites ?? []).map((key, j) => ({ key, j })).filter(({ key }) => !siteKeys.includes(key));
    for (const { key, j } of foreign) {
      found.push({ path: ['objectives', i, 'scope', 'sites', j], message: `"${key}" is not a site of this contract (${siteKeys.join(', ')})` });
    }
    if (foreign.length > 0) return;
    const sites = spec.sites.filter((s) => !o.scope.sites || o.scope.sites.includes(s.key));
    const covers = sites.some((s) => s.zones.some((z) => !o.scope.zoneTypes || o.scope.zoneTypes.includes(z.type)));
    if (!covers) found.push({ path: ['objectives', i, 'scope'], message: 'covers no zone of this contract' });
  });
  return found;
}

/** The line of the deepest node along a path that exists (a missing key points at its parent). */
function lineOf(doc: Document, lineCounter: LineCounter, path: Array<string | number>): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return 1;
}
