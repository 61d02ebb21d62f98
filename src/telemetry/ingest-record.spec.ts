import { decodeRecord, encodeRecord } from './ingest-record';

describe('ingest records', () => {
  it('gives back topic, arrival time and payload bytes as they were, whatever the topic holds', () => {
    for (const topic of ['xla/v1/hq/1f/soap-1/soap_level', 'xla/v1/malmö/kök/ø-1/co2', '']) {
      const payload = Buffer.from([0, 255, 123, 34, 10]);
      const receivedAt = new Date('2026-11-23T08:15:30.123Z');
      const decoded = decodeRecord(encodeRecord({ topic, payload, receivedAt }));
      expect(decoded.topic).toBe(topic);
      expect(decoded.receivedAt).toEqual(receivedAt);
      expect(Buffer.compare(decoded.payload, payload)).toBe(0);
    }
  });

  it('keeps an empty payload empty', () => {
    const decoded = decodeRecord(encodeRecord({ topic: 't', payload: Buffer.alloc(0), receivedAt: new Date(0) }));
    expect(decoded.payload.length).toBe(0);
  });
});
