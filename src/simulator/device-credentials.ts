import type { SiteSpec } from '../catalog/contract-file.schema';

/**
 * The simulated devices' MQTT credentials (username `{siteKey}.{deviceKey}` and secret): read from the
 * installers' sheet (`npm run devices:credentials -- --format csv`) or issued through the service's HTTP API.
 */

/** Username to secret. */
export type CredentialMap = Map<string, string>;

/** A credential problem the person running the simulator can fix: printed without a stack. */
export class CredentialsError extends Error {}

/** A device's MQTT username, as the service issues it. */
export const deviceUsername = (siteKey: string, deviceKey: string): string => `${siteKey}.${deviceKey}`;

/** The MQTT username of every device of these sites, in contract order. */
export const deviceUsernamesOf = (sites: readonly SiteSpec[]): string[] =>
  sites.flatMap((site) => site.zones.flatMap((zone) => zone.devices.map((device) => deviceUsername(site.key, device.key))));

const HEADER = 'username,secret,device,zone';

/** Parses one or more concatenated sheets (`username,secret,device,zone`); a repeated header line is skipped. */
export function parseCredentialSheet(text: string, source: string): CredentialMap {
  const credentials: CredentialMap = new Map();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line === HEADER) return;
    const [username, secret] = line.split(',');
    if (!username?.includes('.') || !secret) {
      throw new CredentialsError(`${source}:${index + 1}: expected "${HEADER}", got "${line.slice(0, 60)}"`);
    }
    credentials.set(username, secret);
  });
  return credentials;
}

/** Throws unless every username has a credential; the error names a few missing ones and how to fix it. */
export function requireCredentials(credentials: CredentialMap, usernames: readonly string[]): void {
  const missing = usernames.filter((u) => !credentials.has(u));
  if (missing.length === 0) return;
  const some = missing.slice(0, 3).join(', ');
  throw new CredentialsError(
    `no credential for ${missing.length} of ${usernames.length} simulated devices (${some}${missing.length > 3 ? ', …' : ''}): ` +
      `add their sites' sheets with more --credentials files, or simulate fewer --sites`,
  );
}

export interface IssueOptions {
  apiUrl: string;
  apiKey: string;
  /** Requests at once: the service hashes every secret with scrypt, so a few in parallel is enough. */
  concurrency?: number;
  /** Stops issuing: the credentials issued so far are returned. */
  stop?: AbortSignal;
}

/** Issues (rotates) a credential for every username through `POST /api/v1/devices/{username}/credentials`. */
export async function issueCredentials(usernames: readonly string[], options: IssueOptions): Promise<CredentialMap> {
  const credentials: CredentialMap = new Map();
  const queue = [...usernames];
  const worker = async () => {
    for (let username = queue.shift(); username !== undefined && !options.stop?.aborted; username = queue.shift()) {
      credentials.set(username, await issueOne(username, options));
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, queue.length) }, worker));
  return credentials;
}

async function issueOne(username: string, { apiUrl, apiKey }: IssueOptions): Promise<string> {
  const url = new URL(`api/v1/devices/${encodeURIComponent(username)}/credentials`, apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`);
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ rotate: true }),
    signal: AbortSignal.timeout(15_000),
  }).catch((err: Error) => {
    throw new CredentialsError(`could not reach ${url.origin} to issue device credentials: ${err.message}`);
  });
  if (res.status === 401 || res.status === 403) throw new CredentialsError(`the service refused --api-key (HTTP ${res.status}): it needs an admin or fm_manager key`);
  if (res.status === 404) throw new CredentialsError(`the service does not know device ${username}: is the simulated contract in its CONTRACTS_DIR?`);
  if (!res.ok) throw new CredentialsError(`issuing a credential for ${username} failed: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
  const body = (await res.json()) as { username?: unknown; secret?: unknown };
  if (body.username !== username || typeof body.secret !== 'string') throw new CredentialsError(`unexpected answer issuing a credential for ${username}`);
  return body.secret;
}
