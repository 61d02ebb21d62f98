import { createServer, type AddressInfo, type Server } from 'node:net';
import Aedes, { createBroker } from 'aedes';

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
    const server = createServer(broker.handle);
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
