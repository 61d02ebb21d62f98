import mqtt, { type MqttClient } from 'mqtt';
import { randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { EmbeddedBroker, MAX_PACKET_BYTES } from '../../src/platform/mqtt/embedded-broker';
import { pollUntil } from '../support/test-app';

const MB = 1024 * 1024;

/** MQTT's variable byte integer (the remaining length of a packet). */
function remainingLength(n: number): number[] {
  const bytes: number[] = [];
  do {
    const digit = n % 128;
    n = Math.floor(n / 128);
    bytes.push(n > 0 ? digit | 0x80 : digit);
  } while (n > 0);
  return bytes;
}

const utf8 = (text: string) => [text.length >> 8, text.length & 0xff, ...Buffer.from(text)];
const connectPacket = (clientId: string) => {
  const body = [...utf8('MQTT'), 4, 0x02, 0, 60, ...utf8(clientId)];
  return Buffer.from([0x10, ...remainingLength(body.length), ...body]);
};
/** The fixed header and topic of a QoS 0 PUBLISH whose payload is `payloadBytes` long; the payload is sent apart. */
const publishHeader = (topic: string, payloadBytes: number) =>
  Buffer.from([0x30, ...remainingLength(2 + topic.length + payloadBytes), ...utf8(topic)]);

describe(EmbeddedBroker.name, () => {
  let sut: EmbeddedBroker;
  let url: string;
  const clients: MqttClient[] = [];
  const sockets: Socket[] = [];

  beforeAll(async () => {
    sut = await EmbeddedBroker.start('127.0.0.1', 0);
    url = `mqtt://127.0.0.1:${sut.port}`;
  });
  afterAll(async () => {
    sockets.forEach((socket) => socket.destroy());
    await Promise.all(clients.map((client) => client.endAsync(true)));
    await sut.stop();
  });

  const client = async () => {
    const c = await mqtt.connectAsync(url, { clientId: `limit-${randomUUID()}`, protocolVersion: 4, reconnectPeriod: 0 });
    c.on('error', () => undefined);
    clients.push(c);
    return c;
  };

  it('disconnects a client that publishes 1 MB, delivers none of it, and still passes a normal message on a new connection', async () => {
    const topic = `limit/${randomUUID()}`;
    const received: number[] = [];
    const subscriber = await client();
    subscriber.on('message', (_topic, payload) => received.push(payload.length));
    await subscriber.subscribeAsync(topic, { qos: 1 });

    const big = await client();
    let closed = false;
    big.once('close', () => (closed = true));
    big.publish(topic, Buffer.alloc(MB, 0x61), { qos: 1 }, () => undefined);
    await pollUntil(() => Promise.resolve(closed));

    const normal = await client();
    await normal.publishAsync(topic, Buffer.alloc(1024, 0x62), { qos: 1 });
    await pollUntil(() => Promise.resolve(received.length > 0));
    expect(received).toEqual([1024]);
    expect(subscriber.connected).toBe(true);
  });

  it('closes the connection on the header of an oversized PUBLISH, before its body has arrived', async () => {
    const socket = connect(sut.port, '127.0.0.1');
    sockets.push(socket);
    let connack = false;
    let closed = false;
    socket.on('data', (data) => (connack ||= data[0] === 0x20));
    socket.on('close', () => (closed = true));
    socket.on('error', () => undefined);
    socket.write(connectPacket(`raw-${randomUUID().slice(0, 8)}`));
    await pollUntil(() => Promise.resolve(connack));

    // Announce a 1 MB payload, then send only the first 16 KiB of it.
    socket.write(publishHeader('limit/raw', MB));
    socket.write(Buffer.alloc(16 * 1024, 0x61));
    await pollUntil(() => Promise.resolve(closed));
    expect(closed).toBe(true);
  });

  it('takes a packet just under the limit', async () => {
    const topic = `limit/${randomUUID()}`;
    const subscriber = await client();
    const received: number[] = [];
    subscriber.on('message', (_topic, payload) => received.push(payload.length));
    await subscriber.subscribeAsync(topic, { qos: 1 });
    const payloadBytes = MAX_PACKET_BYTES - 1 - remainingLength(MAX_PACKET_BYTES).length - 2 - topic.length - 2;
    const publisher = await client();
    await publisher.publishAsync(topic, Buffer.alloc(payloadBytes, 0x63), { qos: 1 });
    await pollUntil(() => Promise.resolve(received.length > 0));
    expect(received).toEqual([payloadBytes]);
  });
});
