import { Injectable } from '@nestjs/common';
import { Clock } from '../platform/clock';
import { DomainException, ErrorCode } from '../platform/errors/domain.exception';
import type { Principal } from '../platform/access/roles';
import { DeviceCredentialsRepository, type CredentialDevice } from './device-credentials.repository';
import { generateDeviceSecret, hashDeviceSecret, verifyDeviceSecret } from './device-secret';
import { MosquittoDeviceSync } from './mosquitto-device-sync';

export interface IssuedDeviceCredential {
  username: string;
  /** Shown once, never stored. */
  secret: string;
}

export interface IssueOptions {
  rotate?: boolean;
  /** The caller's client; null (admins, the CLI) may issue for any client. */
  clientId?: string | null;
}

/** The MQTT username of a device: its site key and device key, both unique slugs without dots. */
export const deviceUsername = (siteKey: string, deviceKey: string): string => `${siteKey}.${deviceKey}`;

@Injectable()
export class DeviceCredentialsService {
  /** A hash no secret matches, checked when a username is unknown so that a miss costs as much as a wrong secret. */
  private decoy?: Promise<string>;

  constructor(
    private readonly credentials: DeviceCredentialsRepository,
    private readonly clock: Clock,
    private readonly broker: MosquittoDeviceSync,
  ) {}

  /** A new credential for an active device; 409 when it has one already, unless rotating. Another client's device is not found. */
  async issue(siteKey: string, deviceKey: string, options: IssueOptions = {}): Promise<IssuedDeviceCredential> {
    const [device] = await this.credentials.activeDevicesOfSite(siteKey, options.clientId ?? null, deviceKey);
    if (!device) throw DomainException.notFound('device', deviceUsername(siteKey, deviceKey));
    const conflict = () => new DomainException(ErrorCode.Conflict, `Device ${deviceUsername(siteKey, deviceKey)} has a credential already; send "rotate": true to replace it.`);
    // Checked before the broker learns a secret; the insert checks again against a concurrent issue.
    if (device.hasCredential && options.rotate !== true) throw conflict();
    const issued = await this.store(device, options.rotate === true);
    if (!issued) throw conflict();
    return issued;
  }

  /** `ref` is "siteKey.deviceKey", as in the catalog's device routes. */
  issueByRef(ref: string, who: Principal, rotate = false): Promise<IssuedDeviceCredential> {
    const dot = ref.indexOf('.');
    if (dot < 1) throw DomainException.notFound('device', ref);
    return this.issue(ref.slice(0, dot), ref.slice(dot + 1), { rotate, clientId: who.clientId });
  }

  /** Credentials for every active device of a site that has none, or for all of them when rotating (installers' sheet). */
  async issueForSite(siteKey: string, rotate: boolean): Promise<Array<IssuedDeviceCredential & { device: string; zone: string }>> {
    const devices = await this.credentials.activeDevicesOfSite(siteKey, null);
    if (devices.length === 0) throw new DomainException(ErrorCode.NotFound, `No site "${siteKey}" with active devices.`);
    const issued: Array<IssuedDeviceCredential & { device: string; zone: string }> = [];
    for (const device of devices.filter((d) => rotate || !d.hasCredential)) {
      const credential = await this.store(device, rotate);
      if (credential) issued.push({ ...credential, device: device.deviceKey, zone: device.zoneKey });
    }
    return issued;
  }

  /** The active device whose credential this is, or undefined (unknown username, wrong secret, retired device, zone or site). */
  async verify(username: string, secret: string): Promise<CredentialDevice | undefined> {
    const found = await this.credentials.findActiveByUsername(username);
    if (!found) {
      this.decoy ??= hashDeviceSecret(generateDeviceSecret());
      await verifyDeviceSecret(secret, await this.decoy);
      return undefined;
    }
    const { id, clientId, siteId, siteKey, zoneKey, deviceKey } = found;
    return (await verifyDeviceSecret(secret, found.secretHash)) ? { id, clientId, siteId, siteKey, zoneKey, deviceKey } : undefined;
  }

  /**
   * Gives the broker the fresh secret (Mosquitto needs it in clear, once), then stores its hash;
   * undefined when the device has a credential and this is no rotation.
   */
  private async store(device: CredentialDevice, rotate: boolean): Promise<IssuedDeviceCredential | undefined> {
    const username = deviceUsername(device.siteKey, device.deviceKey);
    const secret = generateDeviceSecret();
    await this.broker.credentialIssued(device, username, secret);
    const row = { clientId: device.clientId, siteId: device.siteId, deviceId: device.id, username, secretHash: await hashDeviceSecret(secret), at: this.clock.now() };
    if (rotate) await this.credentials.replace(row);
    else if (!(await this.credentials.insertIfAbsent(row))) return undefined;
    return { username, secret };
  }
}
