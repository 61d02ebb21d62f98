import { Logger } from '@nestjs/common';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import Aedes, { createBroker } from 'aedes';
import { PacketSizeGate } from './packet-size-gate';

/** aedes takes packets up to MQTT's 256 MB; no decoder reads more than 64 KiB of a payload: room for topic and framing. */
export const MAX_PACKET_BYTES = 256 * 1024;

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

/** The aedes broker that stands in for Mosquitto when no MQTT_URL is configured. */
export class EmbeddedBroker {
  private constructor(
    private readonly broker: Aedes,
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(host: string, port: number): Promise<EmbeddedBroker> {
    const broker = createBroker();
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
    return new EmbeddedBroker(broker, server, (server.address() as AddressInfo).port);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.broker.close(() => resolve()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
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
