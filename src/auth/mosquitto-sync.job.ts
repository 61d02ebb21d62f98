import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { Subscription } from 'rxjs';
import { ContractsSyncService } from '../catalog/contracts-sync.service';
import { Clock } from '../platform/clock';
import { LeaderJobs, tickOf } from '../platform/database/leader-job';
import { MqttService } from '../platform/mqtt/mqtt.service';
import { MosquittoDeviceSync } from './mosquitto-device-sync';

export const MOSQUITTO_SYNC_JOB = 'mqtt:dynsec-sync';
/** Besides every contract sync of this process: catches what another instance or the CLI changed. */
export const MOSQUITTO_SYNC_EVERY_MS = 60_000;

/** Brings Mosquitto in step at start, after each contract sync, and every minute (on one instance). */
@Injectable()
export class MosquittoSyncJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private synced?: Subscription;

  constructor(
    private readonly sync: MosquittoDeviceSync,
    private readonly contracts: ContractsSyncService,
    private readonly leader: LeaderJobs,
    private readonly registry: SchedulerRegistry,
    private readonly clock: Clock,
    private readonly mqtt: MqttService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.sync.status) return;
    this.mqtt.reportAclSync(() => this.sync.status);
    this.synced = this.contracts.synced.subscribe(() => void this.sync.syncAll());
    const tick = () => void this.leader.runAsLeader(MOSQUITTO_SYNC_JOB, tickOf(this.clock.now(), MOSQUITTO_SYNC_EVERY_MS), () => this.sync.syncAll());
    this.registry.addInterval(MOSQUITTO_SYNC_JOB, setInterval(tick, MOSQUITTO_SYNC_EVERY_MS).unref());
    // Not awaited: a broker that is away must not hold up the start (/health shows the sync's state).
    void this.sync.syncAll();
  }

  onApplicationShutdown(): void {
    this.synced?.unsubscribe();
    if (this.registry.doesExist('interval', MOSQUITTO_SYNC_JOB)) this.registry.deleteInterval(MOSQUITTO_SYNC_JOB);
  }
}
