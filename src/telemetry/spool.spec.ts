import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Spool } from './spool';

const text = (records: Buffer[]) => records.map((r) => r.toString());

describe(Spool.name, () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'xla-spool-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps appended records in memory until flushed, and then on disk for the next process', () => {
    const sut = Spool.open(dir);
    sut.append(Buffer.from('a'));
    sut.append(Buffer.from('b'));
    expect(sut.backlogBytes).toBe(0);
    sut.flush();
    expect(sut.backlogBytes).toBe(2 * 9);
    const other = Spool.open(dir); // what a restarted service would find
    expect(text(other.read(10).records)).toEqual(['a', 'b']);
    other.close();
    sut.close();
  });

  it('reads back what was appended, in order, in batches', () => {
    const sut = Spool.open(dir);
    for (let i = 0; i < 5; i++) sut.append(Buffer.from(`m${i}`));
    expect(text(sut.read(3).records)).toEqual(['m0', 'm1', 'm2']);
    expect(text(sut.read(3).records)).toEqual(['m3', 'm4']);
    expect(sut.read(3).records).toEqual([]);
    sut.close();
  });

  it('gives back, after a restart, everything that was not committed', () => {
    const first = Spool.open(dir);
    for (let i = 0; i < 4; i++) first.append(Buffer.from(`m${i}`));
    const { end } = first.read(2);
    first.commit(end);
    first.read(2); // read but never committed: the process dies before the database answered
    first.close();

    const again = Spool.open(dir);
    expect(text(again.read(10).records)).toEqual(['m2', 'm3']);
    again.close();
  });

  it('reads a failed batch again after rewind', () => {
    const sut = Spool.open(dir);
    sut.append(Buffer.from('a'));
    sut.append(Buffer.from('b'));
    expect(text(sut.read(10).records)).toEqual(['a', 'b']);
    sut.rewind();
    expect(text(sut.read(10).records)).toEqual(['a', 'b']);
    sut.close();
  });

  it('cuts off a torn record at the tail, keeping the whole ones before it', () => {
    const first = Spool.open(dir);
    first.append(Buffer.from('whole'));
    first.close();
    const [segment] = readdirSync(dir).filter((f) => f.endsWith('.seg'));
    appendFileSync(join(dir, segment), Buffer.from([50, 0, 0, 0, 1, 2, 3, 4, 65, 66])); // says 50 bytes, has 2

    const again = Spool.open(dir);
    again.append(Buffer.from('next'));
    expect(text(again.read(10).records)).toEqual(['whole', 'next']);
    again.close();
  });

  it('rolls over to new segments and drops the ones fully committed, keeping the backlog count', () => {
    const sut = Spool.open(dir, { segmentBytes: 64 });
    for (let i = 0; i < 20; i++) {
      sut.append(Buffer.from(`message-${i}`));
      sut.flush(); // a segment is full at a flush
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.seg')).length).toBeGreaterThan(3);
    expect(sut.backlogBytes).toBe(20 * 8 + 'message-0'.length * 10 + 'message-10'.length * 10);

    const { records, end } = sut.read(15);
    expect(text(records)).toEqual(Array.from({ length: 15 }, (_, i) => `message-${i}`));
    sut.commit(end);
    expect(readdirSync(dir).filter((f) => f.endsWith('.seg')).length).toBeLessThanOrEqual(3);
    expect(text(sut.read(100).records)).toEqual(Array.from({ length: 5 }, (_, i) => `message-${i + 15}`));
    sut.close();

    const again = Spool.open(dir, { segmentBytes: 64 });
    expect(text(again.read(100).records)).toEqual(Array.from({ length: 5 }, (_, i) => `message-${i + 15}`));
    again.close();
  });

  it('reads records larger than one read from disk, and many small ones across reads', () => {
    const sut = Spool.open(dir);
    const big = Buffer.alloc(600 * 1024, 7);
    sut.append(Buffer.from('before'));
    sut.append(big);
    for (let i = 0; i < 5_000; i++) sut.append(Buffer.from(`small-${i}`.padEnd(100, '.')));
    const first = sut.read(2);
    expect(first.records[0].toString()).toBe('before');
    expect(first.records[1].equals(big)).toBe(true);
    const rest = [...sut.read(3_000).records, ...sut.read(3_000).records].map((r) => r.toString().replace(/\.+$/, ''));
    expect(rest).toEqual(Array.from({ length: 5_000 }, (_, i) => `small-${i}`));
    sut.close();
  });

  it('reads from the oldest segment when the checkpoint is garbled (a replay, which storage makes harmless)', () => {
    const first = Spool.open(dir);
    first.append(Buffer.from('a'));
    first.append(Buffer.from('b'));
    first.commit(first.read(1).end);
    first.close();
    writeFileSync(join(dir, 'checkpoint.json'), '{"segm');

    const again = Spool.open(dir);
    expect(text(again.read(10).records)).toEqual(['a', 'b']);
    again.close();
  });

  it('keeps the checkpoint across restarts when it is rewritten in place many times', () => {
    const first = Spool.open(dir);
    for (let i = 0; i < 1_200; i++) first.append(Buffer.from(`m${i}`));
    for (let i = 0; i < 12; i++) first.commit(first.read(100).end);
    first.close();
    const again = Spool.open(dir);
    expect(again.read(10).records).toEqual([]);
    again.append(Buffer.from('next'));
    expect(text(again.read(10).records)).toEqual(['next']);
    again.close();
  });

  it('reports a failed write to the next flush too, keeps what was written before, and writes on where it stopped', () => {
    const sut = Spool.open(dir, { segmentBytes: 16 });
    sut.append(Buffer.from('first-record'));
    sut.flush(); // the segment is full now: the next flush opens segment 1
    mkdirSync(join(dir, '0000000001.seg')); // and cannot: a folder is in the way
    sut.append(Buffer.from('lost'));
    expect(() => sut.flush()).toThrow();
    // Whoever flushes next (the PUBACK hook, say) hears of it, so the lost message is not acknowledged.
    expect(() => sut.flush()).toThrow();
    rmSync(join(dir, '0000000001.seg'), { recursive: true });
    sut.append(Buffer.from('after'));
    sut.flush();
    expect(text(sut.read(10).records)).toEqual(['first-record', 'after']);
    sut.close();

    const again = Spool.open(dir, { segmentBytes: 16 });
    expect(text(again.read(10).records)).toEqual(['first-record', 'after']);
    again.close();
  });

  it('refuses to write once closed', () => {
    const sut = Spool.open(dir);
    sut.close();
    sut.append(Buffer.from('late'));
    expect(() => sut.flush()).toThrow('the spool is closed');
  });

  it('reads a record larger than the batch limit on its own rather than getting stuck on it', () => {
    const sut = Spool.open(dir);
    const big = Buffer.alloc(300 * 1024, 1);
    sut.append(big);
    sut.append(Buffer.from('next'));
    const first = sut.read(10, 100 * 1024);
    expect(first.records.map((r) => r.length)).toEqual([big.length]);
    expect(text(sut.read(10).records)).toEqual(['next']);
    sut.close();
  });
});
