import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../platform/clock';
import { LeaderJobs, tickOf } from '../platform/database/leader-job';
import { deviceOfflineChanges, SILENT_INTERVALS } from './device-offline';
import { DeviceOfflineRepository } from './device-offline.repository';
import { IncidentsRepository } from './incidents.repository';
import { SlaFactsService } from './sla-facts.service';

export const DEVICE_OFFLINE_JOB = 'operations:device-offline';
const EVERY_MS = 60_000;
/** Who resolves an incident when the zone's devices are heard again. */
export const DEVICE_HEARD_BY = 'sensor:device_health';

/**
 * The device-offline rule: a device heard from once and then silent for three of its expected
 * intervals opens a "device offline" incident for its zone (one per zone, however many devices went
 * quiet); when every device of the zone is heard again, it is resolved. Every minute, on one instance.
 */
@Injectable()
export class DeviceOfflineService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeviceOfflineService.name);

  constructor(
    private readonly devices: DeviceOfflineRepository,
    private readonly incidents: IncidentsRepository,
    private readonly slaFacts: SlaFactsService,
    private readonly leader: LeaderJobs,
    private readonly registry: SchedulerRegistry,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    const tick = () => void this.tick().catch((err: Error) => this.logger.warn(`Checking for devices offline failed: ${err.message}`));
    this.registry.addInterval(DEVICE_OFFLINE_JOB, setInterval(tick, EVERY_MS).unref());
  }

  onApplicationShutdown(): void {
    if (this.registry.doesExist('interval', DEVICE_OFFLINE_JOB)) this.registry.deleteInterval(DEVICE_OFFLINE_JOB);
  }

  /** This minute's run, if this instance leads it; whether it ran. */
  tick(): Promise<boolean> {
    const now = this.clock.now();
    return this.leader.runAsLeader(DEVICE_OFFLINE_JOB, tickOf(now, EVERY_MS), () => this.check(now));
  }

  /** Opens and resolves the zones' incidents as their devices say at `now`; how many of each. */
  async check(now: Date): Promise<{ opened: number; resolved: number }> {
    const { devices, open } = await this.devices.zonesToCheck(now, SILENT_INTERVALS);
    const changes = deviceOfflineChanges(
      devices.map((d) => ({ ...d, lastSeenAt: d.lastSeenAt?.getTime() ?? null })),
      open.map((i) => ({ ...i, openedAt: i.openedAt.getTime() })),
      now.getTime(),
    );
    const opening = changes.open.map(({ device: d, at }) => ({ clientId: d.clientId, siteId: d.siteId, zoneId: d.zoneId, category: 'device_offline' as const, policy: d.policy, at: new Date(at) }));
    await this.incidents.insertFromSensors(opening);
    const resolved = await this.incidents.autoResolve(
      changes.resolve.map(({ incident: i, at }) => ({ clientId: i.clientId, zoneId: i.zoneId, category: 'device_offline' as const, at: new Date(at), by: DEVICE_HEARD_BY })),
    );
    await this.slaFacts.mark([...opening.map((o) => ({ clientId: o.clientId, zoneId: o.zoneId, at: o.at })), ...resolved.map((r) => ({ clientId: r.clientId, zoneId: r.zoneId, at: r.openedAt }))]);
    if (opening.length || resolved.length) this.logger.log(`Devices offline: ${opening.length} zone(s) opened, ${resolved.length} resolved`);
    return { opened: opening.length, resolved: resolved.length };
  }
}
