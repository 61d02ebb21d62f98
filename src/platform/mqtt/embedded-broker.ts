import { Logger } from '@nestjs/common';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import Aedes, { createBroker, type AedesOptions, type AuthenticateError, type Client } from 'aedes';
import type { DeniedAction, DeviceAuthenticator, DeviceSession, MqttCredential } from './broker-access';
import { sameCredential } from './broker-access';
import { deviceSubscribeAllowed, devicePublishAllowed } from './device-topics';
import { PacketSizeGate } from './packet-size-gate';

/** aedes takes packets up to MQTT's 256 MB; no decoder reads more than 64 KiB of a payload: room for topic and framing. */
export const MAX_PACKET_BYTES = 256 * 1024;
/** How often open device sessions are checked against the catalog (retired devices, rotated credentials). */
export const SESSION_CHECK_MS = 2_000;

const logger = new Logger('EmbeddedBroker');

export class MqttPortInUseError extends Error {
  constructor(port: number) {
    super(
      `MQTT_PORT ${port} is already in use, so the embedded MQTT broker cannot start (is Mosquitto running?). ` +
        `Either choose a free port with MQTT_PORT=<port> (0 picks any free port), ` +
        `or use the running broker with MQTT_URL=mqtt://127.0.0.1:${port}.`,
    );
    this.name = 'MqttPortInUseError';
  }
}

/** Who may connect, publish and subscribe on the embedded broker; without it, anyone may do anything (MQTT_AUTH=off). */
export interface BrokerAccess {
  /** The service's own credential: it may do everything. */
  service: MqttCredential;
  /** Device credentials; undefined until the auth module has registered them (then only the service gets in). */
  devices(): DeviceAuthenticator | undefined;
  denied(action: DeniedAction): void;
}

type Identity = { kind: 'service' } | ({ kind: 'device' } & DeviceSession);

/** The aedes broker that stands in for Mosquitto when no MQTT_URL is configured. */
export class EmbeddedBroker {
  private sessionCheck?: NodeJS.Timeout;

  private constructor(
    private readonly broker: Aedes,
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(host: string, port: number, access?: BrokerAccess): Promise<EmbeddedBroker> {
    const identities = new WeakMap<Client, Identity>();
    const broker = createBroker(access ? authorisation(access, identities) : {});
    const server = createServer((socket) => {
      broker.handle(socket);
      refuseOversizedPackets(socket);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        broker.close();
        reject(err.code === 'EADDRINUSE' ? new MqttPortInUseError(port) : err);
      });
      server.listen(port, host, () => resolve());
    });
    const embedded = new EmbeddedBroker(broker, server, (server.address() as AddressInfo).port);
    if (access) embedded.checkSessions(access, identities);
    return embedded;
  }

  async stop(): Promise<void> {
    clearInterval(this.sessionCheck);
    await new Promise<void>((resolve) => this.broker.close(() => resolve()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /**
   * Every SESSION_CHECK_MS, asks the catalog about the devices connected now, and closes the sessions
   * of those retired, rotated or moved since they connected: a contract sync or a rotation takes
   * effect within seconds, on every open connection.
   */
  private checkSessions(access: BrokerAccess, identities: WeakMap<Client, Identity>): void {
    const connected = new Map<Client, DeviceSession>();
    this.broker.on('clientReady', (client) => {
      const identity = identities.get(client);
      if (identity?.kind === 'device') connected.set(client, identity);
    });
    this.broker.on('clientDisconnect', (client) => connected.delete(client));
    let running = false;
    this.sessionCheck = setInterval(() => {
      const devices = access.devices();
      if (running || !devices || connected.size === 0) return;
      running = true;
      const sessions = [...connected];
      devices
        .stale(sessions.map(([, session]) => session))
        .then((stale) => {
          for (const [client, session] of sessions) {
            if (!stale.has(session)) continue;
            logger.warn(`Closed the MQTT session of ${session.username}: its device or credential changed`);
            connected.delete(client);
            client.close();
          }
        })
        .catch((err: Error) => logger.warn(`Could not check device sessions against the catalog: ${err.message}`))
        .finally(() => (running = false));
    }, SESSION_CHECK_MS);
    this.sessionCheck.unref();
  }
}

function authorisation(access: BrokerAccess, identities: WeakMap<Client, Identity>): AedesOptions {
  const refuse = (returnCode: 4 | 5, message: string): AuthenticateError => Object.assign(new Error(message), { returnCode });
  return {
    authenticate: (client, username, password, done) => {
      const secret = password?.toString('utf8');
      if (!username || secret === undefined) {
        access.denied('connect');
        return done(refuse(5, 'a username and password are required'), false);
      }
      if (sameCredential(access.service, username, secret)) {
        identities.set(client, { kind: 'service' });
        return done(null, true);
      }
      const devices = access.devices();
      (devices ? devices.authenticate(username, secret) : Promise.resolve(undefined)).then(
        (session) => {
          if (!session) {
            access.denied('connect');
            return done(refuse(4, 'bad username or password'), false);
          }
          identities.set(client, { kind: 'device', ...session });
          done(null, true);
        },
        (err: Error) => {
          logger.warn(`Could not check the credential of ${JSON.stringify(username)}: ${err.message}`);
          done(Object.assign(new Error('server unavailable'), { returnCode: 3 as const }), false);
        },
      );
    },
    authorizePublish: (client, packet, done) => {
      // client is null for the broker's own messages ($SYS); a client's will is checked as its own publish.
      const identity = client ? identities.get(client) : { kind: 'service' as const };
      if (identity?.kind === 'service' || (identity && devicePublishAllowed(identity.topicBase, packet.topic))) return done(null);
      access.denied('publish');
      // aedes answers a refused PUBLISH by closing the connection (MQTT 3.1.1 has no negative PUBACK).
      done(new Error(`not authorised to publish to ${packet.topic}`));
    },
    authorizeSubscribe: (client, subscription, done) => {
      const identity = identities.get(client);
      if (identity?.kind === 'service' || (identity && deviceSubscribeAllowed(identity.topicBase, subscription.topic))) return done(null, subscription);
      access.denied('subscribe');
      done(null, null); // SUBACK 0x80 for this filter
    },
  };
}

/**
 * Closes a connection at the header of a packet over MAX_PACKET_BYTES, before its body is buffered
 * (aedes has no such limit). aedes reads the socket with read(), and then 'data' sees exactly the bytes
 * it parses, just before it parses them, without changing the flow ('readable' keeps control).
 */
function refuseOversizedPackets(socket: Socket): void {
  const gate = new PacketSizeGate(MAX_PACKET_BYTES);
  socket.on('data', (chunk: Buffer) => {
    const size = gate.oversized(chunk);
    if (size === undefined || socket.destroyed) return;
    logger.warn(`Closed the MQTT connection from ${socket.remoteAddress}: a packet of ${size} bytes, more than ${MAX_PACKET_BYTES}`);
    socket.destroy();
  });
}
