import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { DataSource, In, Not, type EntityManager, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { ADVISORY_LOCKS } from '../platform/database/advisory-locks';
import { ClientEntity } from './client.entity';
import { ConnectorEntity } from './connector.entity';
import { ContractFileError, defaultReasonSets, type LoadedContractFile } from './contract-file';
import { ContractEntity } from './contract.entity';
import { DeviceEntity } from './device.entity';
import { ObjectiveEntity } from './objective.entity';
import { SiteEntity } from './site.entity';
import { TouchpointEntity } from './touchpoint.entity';
import { ZoneEntity } from './zone.entity';

export interface SyncCounts {
  created: number;
  updated: number;
  retired: number;
  unchanged: number;
}
export type SyncSummary = Record<'clients' | 'contracts' | 'sites' | 'zones' | 'touchpoints' | 'devices' | 'connectors' | 'objectives', SyncCounts>;

const emptyCounts = (): SyncCounts => ({ created: 0, updated: 0, retired: 0, unchanged: 0 });
export const emptySummary = (): SyncSummary => ({
  clients: emptyCounts(),
  contracts: emptyCounts(),
  sites: emptyCounts(),
  zones: emptyCounts(),
  touchpoints: emptyCounts(),
  devices: emptyCounts(),
  connectors: emptyCounts(),
  objectives: emptyCounts(),
});

/** Writes contracts-as-code into the catalog: insert what is new, update what changed, retire what is gone. */
@Injectable()
export class ContractsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async apply(file: LoadedContractFile, summary: SyncSummary): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      // Several instances may start at once; one syncs at a time.
      await m.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.contractsSync]);
      await new FileSync(m, file, summary).run();
    });
  }
}

class FileSync {
  constructor(
    private readonly m: EntityManager,
    private readonly file: LoadedContractFile,
    private readonly summary: SyncSummary,
  ) {}

  async run(): Promise<void> {
    const { spec } = this.file;
    const [client] = await this.reconcile(ClientEntity, 'clients', await this.m.findBy(ClientEntity, { key: spec.client.key }), [{ key: spec.client.key, name: spec.client.name }]);

    const existingContract = await this.m.findBy(ContractEntity, { key: spec.contract.key });
    if (existingContract[0] && existingContract[0].clientId !== client.id) {
      this.fail(['contract', 'key'], `contract "${spec.contract.key}" belongs to another client`);
    }
    const [contract] = await this.reconcile(ContractEntity, 'contracts', existingContract, [
      { key: spec.contract.key, clientId: client.id, name: spec.contract.name, provider: spec.contract.provider, startsOn: spec.contract.starts, endsOn: spec.contract.ends ?? null, language: spec.contract.language ?? null, sourceFile: this.file.path, incidentPolicy: spec.incidents, alerting: spec.alerts, reportPolicy: spec.reports, comfort: spec.comfort },
    ]);

    await this.refuseForeign(SiteEntity, spec.sites.map((s) => s.key), { contractId: Not(contract.id) }, (i) => ['sites', i, 'key'], 'site');
    const sites = await this.reconcile(
      SiteEntity,
      'sites',
      await this.m.findBy(SiteEntity, { contractId: contract.id }),
      spec.sites.map((s) => ({ key: s.key, clientId: client.id, contractId: contract.id, name: s.name, city: s.city, country: s.country, timeZone: s.timeZone, language: s.language, serviceHours: s.serviceHours, holidays: s.holidays })),
    );
    const siteIds = sites.map((s) => s.id);

    const zoneRows = spec.sites.flatMap((s, i) =>
      s.zones.map((z) => ({ key: z.key, clientId: client.id, siteId: sites[i].id, name: z.name, type: z.type, floor: z.floor ?? null, cleaningPlan: z.cleaning ?? s.cleaning[z.type] ?? null })),
    );
    const zones = await this.reconcile(ZoneEntity, 'zones', await this.m.findBy(ZoneEntity, { siteId: In(siteIds) }), zoneRows, (z) => `${z.siteId}/${z.key}`);
    const zoneId = new Map(zones.map((z) => [`${z.siteId}/${z.key}`, z.id]));

    const placed = spec.sites.flatMap((s, si) =>
      s.zones.map((z, zi) => ({ site: sites[si], zone: z, zoneId: zoneId.get(`${sites[si].id}/${z.key}`)!, path: ['sites', si, 'zones', zi] })),
    );
    const touchpointPaths = placed.flatMap(({ zone, path }) => zone.touchpoints.map((_, ti) => [...path, 'touchpoints', ti, 'key']));
    const touchpointSpecs = placed.flatMap(({ site, zone, zoneId: zid }) =>
      zone.touchpoints.map((t) => ({ key: t.key, clientId: client.id, siteId: site.id, zoneId: zid, kind: t.kind, scale: t.scale, reasonSets: t.reasonSets ?? defaultReasonSets(zone.type) })),
    );
    await this.refuseForeign(TouchpointEntity, touchpointSpecs.map((t) => t.key), { siteId: Not(In(siteIds)) }, (i) => touchpointPaths[i], 'touchpoint');
    await this.reconcile(TouchpointEntity, 'touchpoints', await this.m.findBy(TouchpointEntity, { siteId: In(siteIds) }), touchpointSpecs, (t) => t.key!, () => ({
      token: randomBytes(16).toString('base64url'),
    }));

    const deviceSpecs = placed.flatMap(({ site, zone, zoneId: zid }) =>
      zone.devices.map((d) => ({ key: d.key, clientId: client.id, siteId: site.id, zoneId: zid, model: d.model ?? null, signals: d.signals, expectedIntervalS: d.interval })),
    );
    await this.reconcile(DeviceEntity, 'devices', await this.m.findBy(DeviceEntity, { siteId: In(siteIds) }), deviceSpecs, (d) => `${d.siteId}/${d.key}`);

    const connectorSpecs = spec.connectors.map(({ key, type, schedule, enabled, ...settings }) => ({ key, clientId: client.id, contractId: contract.id, type, schedule, enabled, settings }));
    await this.refuseForeign(ConnectorEntity, connectorSpecs.map((c) => c.key), { contractId: Not(contract.id) }, (i) => ['connectors', i, 'key'], 'connector');
    await this.reconcile(ConnectorEntity, 'connectors', await this.m.findBy(ConnectorEntity, { contractId: contract.id }), connectorSpecs);

    const objectiveSpecs = spec.objectives.map((o) => ({ ...o, clientId: client.id, contractId: contract.id }));
    await this.reconcile(ObjectiveEntity, 'objectives', await this.m.findBy(ObjectiveEntity, { contractId: contract.id }), objectiveSpecs);
  }

  /**
   * Brings the rows of one kind in line with the file. Only fields named in a spec are compared, so
   * generated values (ids, tokens, timestamps) never count as changes; rows absent from the file are
   * retired (kinds with retired_at), never deleted, as facts refer to them.
   */
  private async reconcile<E extends ObjectLiteral & { id: string; key: string }>(
    entity: EntityTarget<E>,
    kind: keyof SyncSummary,
    existing: E[],
    specs: Array<Partial<E>>,
    keyOf: (row: Partial<E>) => string = (row) => row.key!,
    onCreate: () => Partial<E> = () => ({}),
  ): Promise<E[]> {
    const counts = this.summary[kind];
    const byKey = new Map(existing.map((row) => [keyOf(row), row]));
    const result: E[] = [];
    for (const spec of specs) {
      const row = byKey.get(keyOf(spec));
      byKey.delete(keyOf(spec));
      if (!row) {
        result.push(await this.m.save(entity, this.m.create(entity, { ...spec, ...onCreate() } as E)));
        counts.created++;
        continue;
      }
      const revived = 'retiredAt' in row && row.retiredAt !== null;
      const changed = Object.entries(spec).filter(([field, value]) => !isDeepStrictEqual(row[field], value));
      if (changed.length === 0 && !revived) {
        result.push(row);
        counts.unchanged++;
        continue;
      }
      Object.assign(row, spec, revived ? { retiredAt: null } : {});
      result.push(await this.m.save(entity, row));
      counts.updated++;
    }
    for (const gone of byKey.values()) {
      if ('retiredAt' in gone && gone.retiredAt === null) {
        await this.m.update(entity, { id: gone.id }, { retiredAt: new Date() } as never);
        counts.retired++;
      }
    }
    return result;
  }

  private async refuseForeign<E extends ObjectLiteral & { key: string }>(
    entity: EntityTarget<E>,
    keys: string[],
    elsewhere: Record<string, unknown>,
    pathOf: (index: number) => Array<string | number>,
    noun: string,
  ): Promise<void> {
    if (keys.length === 0) return;
    const taken = await this.m.findBy(entity, { key: In(keys), ...elsewhere } as never);
    if (taken.length > 0) {
      const problems = taken.map((row) => {
        const index = keys.indexOf(row.key);
        return `${this.file.locate(pathOf(index))}: ${noun} key "${row.key}" is already used by another contract`;
      });
      throw new ContractFileError(problems);
    }
  }

  private fail(path: Array<string | number>, message: string): never {
    throw new ContractFileError([`${this.file.locate(path)}: ${message}`]);
  }
}
