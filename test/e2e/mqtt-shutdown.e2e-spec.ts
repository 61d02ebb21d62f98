import mqtt from 'mqtt';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { leave, publishWithin } from '../../src/platform/mqtt/mqtt.service';

/** A broker that accepts a connection (CONNACK) and then acknowledges nothing: no PUBACK ever comes. */
async function silentBroker(): Promise<{ server: Server; port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    socket.once('data', () => socket.write(Buffer.from([0x20, 0x02, 0x00, 0x00])));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as { port: number }).port, sockets };
}

describe('leaving the broker at shutdown', () => {
  let broker: Awaited<ReturnType<typeof silentBroker>>;
  beforeEach(async () => {
    broker = await silentBroker();
  });
  afterEach(async () => {
    for (const s of broker.sockets) s.destroy();
    broker.server.close();
    await once(broker.server, 'close');
  });

  const connect = () => mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { protocolVersion: 4, reconnectPeriod: 100, clean: true });

  it('a publish the broker does not acknowledge fails in time, so a job holding it lets the shutdown go on', async () => {
    const client = await connect();
    await expect(publishWithin(client, 't/1', 'x', 1, 200)).rejects.toThrow('the broker did not acknowledge within 0.2 s');
    await client.endAsync(true);
  });

  it('closes the connection when the broker does not acknowledge what was published (mqtt.js alone would wait for ever)', async () => {
    const client = await connect();
    void client.publishAsync('t/1', 'x', { qos: 1 }).catch(() => undefined);
    expect(Object.keys(client.outgoing)).toHaveLength(1);
    const closed = new Promise((resolve) => client.once('close', () => resolve(undefined)));
    await leave(client, 200);
    await closed;
    expect(client.connected).toBe(false);
  });

  it('ends at once after the connection was lost with a publication waiting', async () => {
    const client = await connect();
    void client.publishAsync('t/2', 'x', { qos: 1 }).catch(() => undefined);
    const closed = new Promise((resolve) => client.once('close', () => resolve(undefined)));
    for (const s of broker.sockets) s.destroy();
    await closed;
    expect(client.connected).toBe(false);
    // A grace far longer than the test's timeout: leaving must not wait for it.
    await leave(client, 600_000);
    expect(client.disconnecting).toBe(true);
  });
});
