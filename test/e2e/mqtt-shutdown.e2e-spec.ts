import mqtt from 'mqtt';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { EmbeddedBroker } from '../../src/platform/mqtt/embedded-broker';
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

describe('leaving a broker that is still delivering', () => {
  let broker: EmbeddedBroker;
  beforeAll(async () => {
    broker = await EmbeddedBroker.start('127.0.0.1', 0);
  });
  afterAll(() => broker.stop());

  it('closes the connection although the messages behind the last one taken are never read (the service takes none once stopping)', async () => {
    const url = `mqtt://127.0.0.1:${broker.port}`;
    // As the service while it shuts down: a message arriving then is neither acknowledged nor passed on,
    // so mqtt.js reads nothing more from the socket, and would never see the broker close it.
    let taken = 0;
    const service = await mqtt.connectAsync(url, { protocolVersion: 4, clientId: 'stopping-service', clean: false, reconnectPeriod: 100 });
    service.handleMessage = (_packet, done) => {
      if (++taken < 50) done();
    };
    await service.subscribeAsync('flood/#', { qos: 1 });
    const sensor = await mqtt.connectAsync(url, { protocolVersion: 4, clean: true });
    const payload = 'x'.repeat(1_000);
    // Far more than the sockets buffer: the broker keeps queueing for the service after it stopped reading.
    await Promise.all(Array.from({ length: 3_000 }, (_, i) => sensor.publishAsync(`flood/${i % 10}`, payload, { qos: 1 })));
    await sensor.endAsync();
    expect(taken).toBe(50);

    const closed = new Promise((resolve) => service.once('close', () => resolve(undefined)));
    await leave(service, 200);
    await closed;
    expect(service.connected).toBe(false);
  });
});
