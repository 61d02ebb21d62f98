import 'reflect-metadata';
import { ContractsSyncService } from '../catalog/contracts-sync.service';
import { runCli } from './cli.module';

// npm run contracts:sync [-- <dir>]: validates and applies every contract YAML; running it twice changes nothing.
void runCli(async (context, config) => {
  const dir = process.argv[2] ?? config.contractsDir;
  const summary = await context.get(ContractsSyncService).syncDirectory(dir);
  for (const [kind, c] of Object.entries(summary)) {
    process.stdout.write(`${kind.padEnd(12)} created ${c.created}, updated ${c.updated}, retired ${c.retired}, unchanged ${c.unchanged}\n`);
  }
});
