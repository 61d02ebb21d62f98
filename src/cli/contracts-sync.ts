import 'reflect-metadata';
import { ContractsSyncService } from '../catalog/contracts-sync.service';
import { runCli } from './cli.module';

// npm run contracts:sync [-- <dir>]: validates and applies every contract YAML; running it twice changes nothing.
// The service has no API for this; it syncs CONTRACTS_DIR itself at every start.
void runCli({
  name: 'contracts:sync',
  run: async (context, config) => {
    const dir = process.argv[2] ?? config.contractsDir;
    const summary = await context.get(ContractsSyncService).syncDirectory(dir);
    for (const [kind, c] of Object.entries(summary)) {
      process.stdout.write(`${kind.padEnd(12)} created ${c.created}, updated ${c.updated}, retired ${c.retired}, unchanged ${c.unchanged}\n`);
    }
  },
  whenServiceRuns: (service) => {
    throw new Error(`${service.inUse}.\nIt syncs CONTRACTS_DIR when it starts: restart it to apply the contracts, or stop it and run contracts:sync.`);
  },
});
