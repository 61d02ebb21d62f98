import fc from 'fast-check';
import { PacketSizeGate } from './packet-size-gate';

/** One MQTT packet: a type byte, the remaining length as MQTT's variable byte integer, then the body. */
function packet(type: number, bodyLength: number): Buffer {
  const length: number[] = [];
  let rest = bodyLength;
  do {
    const digit = rest % 128;
    rest = Math.floor(rest / 128);
    length.push(rest > 0 ? digit | 0x80 : digit);
  } while (rest > 0);
  return Buffer.concat([Buffer.from([type, ...length]), Buffer.alloc(bodyLength, 0x61)]);
}

/** Feeds the bytes in the given chunk sizes (the rest in one), as a socket might hand them over. */
function feed(sut: PacketSizeGate, bytes: Buffer, cuts: number[] = []): number | undefined {
  let result: number | undefined;
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    const end = Math.min(bytes.length, at + cut);
    result = sut.oversized(bytes.subarray(at, end)) ?? result;
    at = end;
  }
  return result;
}

describe(PacketSizeGate.name, () => {
  it('lets packets up to the limit through, header included', () => {
    const sut = new PacketSizeGate(1_000);
    const connect = Buffer.from('101000044d5154540402003c000474657374', 'hex');
    expect(feed(sut, Buffer.concat([connect, packet(0x30, 997), packet(0xc0, 0), packet(0x30, 500)]), [1, 1, 5, 300])).toBeUndefined();
  });

  it('answers the size of the first packet over the limit from its header alone', () => {
    const sut = new PacketSizeGate(1_000);
    const big = packet(0x30, 1024 * 1024);
    // The header and a few bytes of the body are enough.
    expect(sut.oversized(big.subarray(0, 10))).toBe(1 + 3 + 1024 * 1024);
    expect(sut.oversized(packet(0x30, 10))).toBe(1 + 3 + 1024 * 1024);
  });

  it('refuses a remaining length that does not end after four bytes', () => {
    const sut = new PacketSizeGate(Number.MAX_SAFE_INTEGER);
    expect(sut.oversized(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]))).toBe(Number.POSITIVE_INFINITY);
  });

  it('finds the first oversized packet in any stream, however it is cut', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 20_000 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 20_000 })), { maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 5_000 }), { maxLength: 20 }),
        (limit, packets, cuts) => {
          const bytes = Buffer.concat(packets.map(([type, length]) => packet(type, length)));
          const expected = packets.map(([type, length]) => packet(type, length).length).find((size) => size > limit);
          expect(feed(new PacketSizeGate(limit), bytes, cuts)).toBe(expected);
        },
      ),
    );
  });
});
