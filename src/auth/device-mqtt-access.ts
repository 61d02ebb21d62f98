import { Injectable, type OnModuleInit } from '@nestjs/common';
import { createHmac, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { AppConfig } from '../platform/config/app-config';
import type { DeviceAuthenticator, DeviceSession } from '../platform/mqtt/broker-access';
import { deviceTopicBase } from '../platform/mqtt/device-topics';
import { MqttService } from '../platform/mqtt/mqtt.service';
import type { CredentialDevice } from './device-credentials.repository';
import { DeviceCredentialsRepository } from './device-credentials.repository';
import { DeviceCredentialsService } from './device-credentials.service';
import { verifyDeviceSecret } from './device-secret';

/**
 * Device credentials for the embedded broker. A connect costs one SQL lookup; the scrypt check (tens
 * of milliseconds) only when this secret was not verified against this very hash before, so a fleet
 * reconnecting after a restart of the network does not queue behind scrypt. A rotation changes the
 * hash, and a retired device has no active row: both fail at the next connect, and `stale` lets the
 * broker close their open sessions.
 */
@Injectable()
export class DeviceMqttAccess implements DeviceAuthenticator, OnModuleInit {
  /** Per process, so what the cache holds cannot be checked against anything outside it. */
  private readonly cacheKey = randomBytes(32);
  /** username → the stored hash and the HMAC of the secret that matched it. */
  private readonly verified = new LRUCache<string, { secretHash: string; secretMac: string }>({ max: 100_000 });

  constructor(
    private readonly credentials: DeviceCredentialsRepository,
    private readonly service: DeviceCredentialsService,
    private readonly mqtt: MqttService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    if (this.config.mqttAuth === 'on') this.mqtt.useDeviceAuthenticator(this);
  }

  async authenticate(username: string, secret: string): Promise<DeviceSession | undefined> {
    const found = await this.credentials.findActiveByUsername(username);
    // An unknown username costs a scrypt check too (the service's decoy), so a miss takes as long as a wrong secret.
    if (!found) return void (await this.service.verify(username, secret));
    const secretMac = createHmac('sha256', this.cacheKey).update(secret).digest('base64url');
    const cached = this.verified.get(username);
    const known = cached?.secretHash === found.secretHash && cached.secretMac === secretMac;
    if (!known && !(await verifyDeviceSecret(secret, found.secretHash))) return undefined;
    this.verified.set(username, { secretHash: found.secretHash, secretMac });
    return this.session(username, found, found.secretHash);
  }

  async stale(sessions: readonly DeviceSession[]): Promise<Set<DeviceSession>> {
    const rows = await this.credentials.findActiveByUsernames([...new Set(sessions.map((s) => s.username))]);
    const current = new Map(rows.map((row) => [row.username, this.session(row.username, row, row.secretHash)]));
    return new Set(
      sessions.filter((s) => {
        const now = current.get(s.username);
        return !now || now.credential !== s.credential || now.topicBase !== s.topicBase;
      }),
    );
  }

  private session(username: string, device: CredentialDevice, secretHash: string): DeviceSession {
    return { username, topicBase: deviceTopicBase(this.config.mqttTopicPrefix, device.siteKey, device.zoneKey, device.deviceKey), credential: secretHash };
  }
}
