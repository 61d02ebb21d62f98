import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { ApiKeysService, type CreatedApiKey } from '../auth/api-keys.service';
import { isRole, ROLES, type Role } from '../platform/access/roles';
import type { AppConfig } from '../platform/config/app-config';
import { runCli, type RunningService } from './cli.module';

// npm run apikey:create -- --role <role> [--client <clientKey>] [--site <siteKey>] [--name <label>]: prints a new key once.
// While the service holds DATA_DIR, the key is created through its API (with ADMIN_API_KEY).
void runCli({
  name: 'apikey:create',
  run: async (context) => show(await context.get(ApiKeysService).create(keyRequest())),
  whenServiceRuns: async (service, config) => show(await createThrough(service, config), service.url),
});

function keyRequest(): { role: Role; clientKey?: string; siteKey?: string; name?: string } {
  const { values } = parseArgs({ options: { role: { type: 'string' }, client: { type: 'string' }, site: { type: 'string' }, name: { type: 'string' } } });
  if (!values.role || !isRole(values.role)) {
    throw new Error(`--role must be one of ${ROLES.join(', ')}`);
  }
  return { role: values.role, clientKey: values.client, siteKey: values.site, name: values.name };
}

/** POST /api/v1/api-keys on the running service, as its admin. */
async function createThrough(service: RunningService, config: AppConfig): Promise<CreatedApiKey> {
  const request = keyRequest();
  if (!service.url) throw new Error(`${service.inUse}; it is still starting: try again in a moment.`);
  if (!config.adminApiKey) {
    throw new Error(`${service.inUse}.\nRun with ADMIN_API_KEY=<the service's admin key> to create the key through it, or stop it.`);
  }
  const response = await fetch(`${service.url}/api/v1/api-keys`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${config.adminApiKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ role: request.role, client: request.clientKey, site: request.siteKey, name: request.name }),
  }).catch((error: unknown) => {
    throw new Error(`${service.inUse}, but it did not answer at ${service.url}: ${(error as Error).message}`);
  });
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as { detail?: string; title?: string };
    throw new Error(`The service at ${service.url} refused to create the key: ${response.status} ${problem.detail ?? problem.title ?? response.statusText}`);
  }
  return (await response.json()) as CreatedApiKey;
}

function show(created: CreatedApiKey, through?: string): void {
  const via = through ? ` through the service at ${through}` : '';
  process.stderr.write(`Created ${created.role} key "${created.name}"${created.clientKey ? ` for client ${created.clientKey}` : ''}${created.siteKey ? `, site ${created.siteKey}` : ''}${via}. It is shown only once:\n`);
  process.stdout.write(`${created.key}\n`);
}
