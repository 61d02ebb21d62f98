/**
 * Follows MQTT's framing through the bytes of one connection: each packet is a type byte, its
 * remaining length (1-4 bytes of 7 bits, least significant first), then that many bytes. So a packet
 * can be refused by the size it announces, before its body has arrived.
 */
export class PacketSizeGate {
  private state: 'type' | 'length' | 'body' | 'refused' = 'type';
  private length = 0;
  private lengthBytes = 0;
  private bodyLeft = 0;
  private refusedSize?: number;

  /** `maxPacketBytes` counts the whole packet, fixed header included (as MQTT 5's Maximum Packet Size does). */
  constructor(private readonly maxPacketBytes: number) {}

  /**
   * Takes the connection's next bytes; answers the size of the first packet over the limit (Infinity
   * for a length that does not end after 4 bytes), or undefined while every packet fits.
   */
  oversized(chunk: Uint8Array): number | undefined {
    for (let i = 0; i < chunk.length && this.state !== 'refused'; ) {
      if (this.state === 'body') {
        const step = Math.min(this.bodyLeft, chunk.length - i);
        this.bodyLeft -= step;
        i += step;
        if (this.bodyLeft === 0) this.state = 'type';
      } else if (this.state === 'type') {
        i++;
        this.length = 0;
        this.lengthBytes = 0;
        this.state = 'length';
      } else {
        const byte = chunk[i++];
        this.length += (byte & 0x7f) * 128 ** this.lengthBytes++;
        if (byte & 0x80) {
          if (this.lengthBytes === 4) this.refuse(Number.POSITIVE_INFINITY);
          continue;
        }
        const size = 1 + this.lengthBytes + this.length;
        if (size > this.maxPacketBytes) this.refuse(size);
        else if (this.length === 0) this.state = 'type';
        else {
          this.bodyLeft = this.length;
          this.state = 'body';
        }
      }
    }
    return this.refusedSize;
  }

  private refuse(size: number): void {
    this.refusedSize = size;
    this.state = 'refused';
  }
}
