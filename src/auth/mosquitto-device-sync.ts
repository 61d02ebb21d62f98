import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../platform/clock';
import { AppConfig } from '../platform/config/app-config';
import { DomainException, ErrorCode } from '../platform/errors/domain.exception';
import { deviceAcls, deviceTopicBase, type DynsecAcl } from '../platform/mqtt/device-topics';
import { DynsecClient, type DynsecCommand } from '../platform/mqtt/dynsec-client';
import { DeviceCredentialsRepository, type CredentialDevice } from './device-credentials.repository';

/** The role that lets the service's own client do everything (a dynsec admin may only administer and read). */
export const SERVICE_ROLE = 'xla-service';
export const SERVICE_ACLS: DynsecAcl[] = [
  { acltype: 'publishClientSend', topic: '#', priority: 0, allow: true },
  { acltype: 'subscribePattern', topic: '#', priority: 0, allow: true },
];

/** The dynamic-security role holding a device's ACL. */
export const deviceRoleName = (username: string): string => `xla-device:${username}`;

interface DynsecRole {
  rolename: string;
  acls?: DynsecAcl[];
}
interface DynsecClientRecord {
  username: string;
  disabled?: boolean;
  roles?: Array<{ rolename: string }>;
}

export interface MosquittoSyncStatus {
  mode: 'dynsec';
  lastSyncAt?: string;
  lastError?: string;
  /** Devices with a credential that the broker has no client for (a new or reset broker): rotate their credentials. */
  missingOnBroker: string[];
}

/**
 * Keeps Mosquitto's dynamic security plugin in step with the device credentials (MQTT_URL, MQTT_AUTH=on,
 * MQTT_ACL_SYNC=dynsec): one client per device, with its password (sent when it is issued: only its
 * hash is kept here), and a role whose ACL is that device's topics; a retired device's client is
 * disabled, which also closes its open session.
 */
@Injectable()
export class MosquittoDeviceSync implements OnApplicationShutdown {
  private readonly logger = new Logger(MosquittoDeviceSync.name);
  private readonly dynsec?: DynsecClient;
  private state: MosquittoSyncStatus = { mode: 'dynsec', missingOnBroker: [] };
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly credentials: DeviceCredentialsRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    if (config.mqttUrl && config.mqttAuth === 'on' && config.mqttAclSync === 'dynsec') this.dynsec = new DynsecClient(config.mqttUrl, config.mqttClientId ?? 'xla-monitor');
  }

  /** Undefined when the service does not manage the broker's credentials (embedded broker, MQTT_AUTH=off, MQTT_ACL_SYNC=off). */
  get status(): MosquittoSyncStatus | undefined {
    return this.dynsec ? this.state : undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pending;
    await this.dynsec?.close();
  }

  /**
   * Gives the broker a device's new secret (and its role) before the service stores the hash: a 503
   * when the broker does not take it, and nothing is changed.
   */
  async credentialIssued(device: CredentialDevice, username: string, secret: string): Promise<void> {
    if (!this.dynsec) return;
    try {
      const rolename = deviceRoleName(username);
      const [client, role] = await this.dynsec.send([
        { command: 'getClient', username },
        { command: 'getRole', rolename },
      ]);
      const existing = client.error ? undefined : (client.data?.client as DynsecClientRecord | undefined);
      const commands = this.roleCommands(rolename, this.aclsOf(device), role.error ? undefined : (role.data?.role as DynsecRole | undefined));
      if (!existing) commands.push({ command: 'createClient', username, password: secret, roles: [{ rolename }] });
      else commands.push({ command: 'setClientPassword', username, password: secret }, ...this.clientCommands(existing, rolename));
      await this.run(commands);
    } catch (err) {
      throw new DomainException(ErrorCode.Unavailable, `The MQTT broker did not take the credential of ${username}; nothing was changed: ${(err as Error).message}`);
    }
  }

  /** Brings every device's client and role on the broker in line with the catalog; at most one run at a time. */
  syncAll(): Promise<void> {
    if (!this.dynsec) return Promise.resolve();
    this.pending = this.pending.then(() =>
      this.syncNow().then(
        (missing) => {
          this.state = { mode: 'dynsec', lastSyncAt: this.clock.now().toISOString(), missingOnBroker: missing };
          if (missing.length) this.logger.warn(`Mosquitto has no client for ${missing.length} device(s) with a credential (a new broker?): rotate their credentials: ${missing.join(', ')}`);
        },
        (err: Error) => {
          this.state = { ...this.state, lastError: err.message };
          this.logger.warn(`Could not bring Mosquitto's dynamic security in step with the catalog: ${err.message}`);
        },
      ),
    );
    return this.pending;
  }

  private async syncNow(): Promise<string[]> {
    const dynsec = this.dynsec!;
    const [rows, [roleList, clientList]] = await Promise.all([
      this.credentials.allWithState(),
      dynsec.send([
        { command: 'listRoles', verbose: true },
        { command: 'listClients', verbose: true },
      ]),
    ]);
    for (const response of [roleList, clientList]) if (response.error) throw new Error(`${response.command}: ${response.error}`);
    const roles = new Map(((roleList.data?.roles ?? []) as DynsecRole[]).map((r) => [r.rolename, r]));
    const clients = new Map(((clientList.data?.clients ?? []) as DynsecClientRecord[]).map((c) => [c.username, c]));
    const commands: DynsecCommand[] = [...this.roleCommands(SERVICE_ROLE, SERVICE_ACLS, roles.get(SERVICE_ROLE))];
    const self = clients.get(decodeURIComponent(new URL(this.config.mqttUrl!).username));
    const missing: string[] = [];
    for (const row of rows) {
      const client = clients.get(row.username);
      if (!row.active) {
        if (client && !client.disabled) commands.push({ command: 'disableClient', username: row.username });
        continue;
      }
      const rolename = deviceRoleName(row.username);
      commands.push(...this.roleCommands(rolename, this.aclsOf(row), roles.get(rolename)));
      if (client) commands.push(...this.clientCommands(client, rolename));
      else missing.push(row.username);
    }
    await this.run(commands);
    if (self && !self.roles?.some((r) => r.rolename === SERVICE_ROLE)) await this.grantServiceRole(self.username);
    return missing;
  }

  /**
   * Gives the service's own client the role that lets it do everything, once, on a broker where only
   * `dynsec init` was run. The plugin disconnects a client whose roles change, here the service itself:
   * the answer is lost with the connection, and both connections come back on their own.
   */
  private async grantServiceRole(username: string): Promise<void> {
    await this.dynsec!.send([{ command: 'addClientRole', username, rolename: SERVICE_ROLE }]).catch(() => undefined);
    await this.dynsec!.close();
    this.logger.log(`Gave the service's MQTT client ${username} the ${SERVICE_ROLE} role (its connections were reset once)`);
  }

  private aclsOf(device: CredentialDevice): DynsecAcl[] {
    return deviceAcls(deviceTopicBase(this.config.mqttTopicPrefix, device.siteKey, device.zoneKey, device.deviceKey));
  }

  /** Creates the role, or changes the ACLs that differ from the wanted ones (a device moved to another zone). */
  private roleCommands(rolename: string, wanted: DynsecAcl[], existing: DynsecRole | undefined): DynsecCommand[] {
    if (!existing) return [{ command: 'createRole', rolename, acls: wanted }];
    const key = (acl: DynsecAcl) => `${acl.acltype} ${acl.topic} ${acl.priority} ${acl.allow}`;
    const have = new Set((existing.acls ?? []).map(key));
    const want = new Set(wanted.map(key));
    return [
      ...(existing.acls ?? []).filter((acl) => !want.has(key(acl))).map((acl) => ({ command: 'removeRoleACL', rolename, acltype: acl.acltype, topic: acl.topic })),
      ...wanted.filter((acl) => !have.has(key(acl))).map((acl) => ({ command: 'addRoleACL', rolename, ...acl })),
    ];
  }

  private clientCommands(client: DynsecClientRecord, rolename: string): DynsecCommand[] {
    const commands: DynsecCommand[] = [];
    // The plugin answers "Internal error" to adding a role a client has: only add what is missing.
    if (!client.roles?.some((r) => r.rolename === rolename)) commands.push({ command: 'addClientRole', username: client.username, rolename });
    if (client.disabled) commands.push({ command: 'enableClient', username: client.username });
    return commands;
  }

  private async run(commands: DynsecCommand[]): Promise<void> {
    if (!commands.length) return;
    const failed = (await this.dynsec!.send(commands)).filter((r) => r.error);
    if (failed.length) throw new Error(failed.map((r) => `${r.command}: ${r.error}`).join('; '));
  }
}
