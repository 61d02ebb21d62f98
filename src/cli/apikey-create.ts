import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { ApiKeysService } from '../auth/api-keys.service';
import { isRole, ROLES } from '../platform/access/roles';
import { runCli } from './cli.module';

// npm run apikey:create -- --role <role> [--client <clientKey>] [--name <label>]: prints a new key once.
void runCli(async (context) => {
  const { values } = parseArgs({ options: { role: { type: 'string' }, client: { type: 'string' }, name: { type: 'string' } } });
  if (!values.role || !isRole(values.role)) {
    throw new Error(`--role must be one of ${ROLES.join(', ')}`);
  }
  const created = await context.get(ApiKeysService).create({ role: values.role, clientKey: values.client, name: values.name });
  process.stderr.write(`Created ${created.role} key "${created.name}"${created.clientKey ? ` for client ${created.clientKey}` : ''}. It is shown only once:\n`);
  process.stdout.write(`${created.key}\n`);
});
