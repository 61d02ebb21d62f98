import 'reflect-metadata';
import { parseArgs } from 'node:util';
import type { INestApplicationContext } from '@nestjs/common';
import { DeviceCredentialsService } from '../auth/device-credentials.service';
import { runCli } from './cli.module';

const COLUMNS = ['username', 'secret', 'device', 'zone'] as const;

// npm run devices:credentials -- --site <key> [--rotate] [--format csv]: the installers' sheet, each secret shown once.
void runCli({
  name: 'devices:credentials',
  run: issueSheet,
  whenServiceRuns: (service) => {
    const api = `${service.url ?? 'the service'}/api/v1/devices/<site>.<device>/credentials`;
    throw new Error(`${service.inUse}.\nIssue credentials through it (POST ${api} with an admin or fm_manager key), or stop it and run devices:credentials.`);
  },
});

async function issueSheet(context: INestApplicationContext): Promise<void> {
  const { values } = parseArgs({ options: { site: { type: 'string' }, rotate: { type: 'boolean', default: false }, format: { type: 'string', default: 'table' } } });
  if (!values.site) throw new Error('--site <key> is required');
  if (values.format !== 'table' && values.format !== 'csv') throw new Error('--format must be table or csv');
  const issued = await context.get(DeviceCredentialsService).issueForSite(values.site, values.rotate);
  const rows = issued.map((c) => COLUMNS.map((column) => c[column]));
  process.stderr.write(`Issued ${issued.length} credential(s) for site ${values.site}${values.rotate ? ' (rotated)' : ''}. Secrets are shown only once.\n`);
  if (values.format === 'csv') {
    // Keys and base64url secrets hold no comma, quote or line break: no quoting needed.
    process.stdout.write([COLUMNS, ...rows].map((row) => `${row.join(',')}\n`).join(''));
    return;
  }
  const widths = COLUMNS.map((column, i) => Math.max(column.length, ...rows.map((row) => row[i].length)));
  const line = (row: readonly string[]) => `${row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()}\n`;
  process.stdout.write([COLUMNS, ...rows].map(line).join(''));
}
