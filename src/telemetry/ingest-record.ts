/** A received MQTT message as kept in the spool: topic, arrival time and the raw payload. Pure. */
export interface IngestRecord {
  topic: string;
  receivedAt: Date;
  payload: Buffer;
}

export function encodeRecord(record: IngestRecord): Buffer {
  const topicLength = Buffer.byteLength(record.topic, 'utf8');
  const frame = Buffer.allocUnsafe(2 + topicLength + 8 + record.payload.length);
  frame.writeUInt16LE(topicLength, 0);
  frame.write(record.topic, 2, 'utf8');
  frame.writeDoubleLE(record.receivedAt.getTime(), 2 + topicLength);
  record.payload.copy(frame, 10 + topicLength);
  return frame;
}

export function decodeRecord(frame: Buffer): IngestRecord {
  const topicLength = frame.readUInt16LE(0);
  return {
    topic: frame.toString('utf8', 2, 2 + topicLength),
    receivedAt: new Date(frame.readDoubleLE(2 + topicLength)),
    payload: frame.subarray(10 + topicLength),
  };
}
