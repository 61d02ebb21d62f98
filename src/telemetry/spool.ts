import { closeSync, constants, existsSync, fstatSync, fsync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

/** Where the reader is: a segment file and a byte offset in it. */
export interface SpoolPosition {
  segment: number;
  offset: number;
}

const SEGMENT_BYTES = 16 * 1024 * 1024;
const HEADER = 8; // u32 length, u32 crc32
/** Bytes read from disk at a time; a larger record is read whole. */
const READ_CHUNK = 256 * 1024;
const CHECKPOINT = 'checkpoint.json';
/** The checkpoint is rewritten in place, padded to this width, instead of a new file and a rename per batch. */
const CHECKPOINT_WIDTH = 64;
const segmentName = (n: number) => `${String(n).padStart(10, '0')}.seg`;
/** Read and write at given positions (not append mode, where Linux would ignore them). */
const READ_WRITE = constants.O_RDWR | constants.O_CREAT;

/**
 * An append-only log on local disk: messages are acknowledged once appended here, and forgotten
 * once the database committed them (commit moves the checkpoint and drops finished segments).
 * Appends gather in memory and flush() writes them in one synchronous write to the page cache, from
 * where they survive the process being killed; a background fsync bounds what a power cut could take. A torn record at the tail (a crash in
 * the middle of a write) fails its checksum and is cut off when the spool is opened again.
 */
export class Spool {
  private fd: number;
  private writeOffset: number;
  private readPos: SpoolPosition;
  private syncTimer?: NodeJS.Timeout;
  private dirty = false;
  private readonly checkpointFd: number;
  /** Appended, not yet written: a header and the record for each. */
  private pending: Uint8Array[] = [];
  /** A write that failed, reported again by the next flush: the PUBACKs waiting on it must not go. */
  private failed?: Error;
  private closed = false;
  /** Lengths of the segments before the one written to; they no longer change. */
  private readonly sealed = new Map<number, number>();

  private constructor(
    private readonly dir: string,
    private writeSegment: number,
    private committed: SpoolPosition,
    private readonly segmentBytes: number,
  ) {
    this.fd = openSync(join(dir, segmentName(writeSegment)), READ_WRITE);
    this.writeOffset = validLength(this.fd);
    ftruncateSync(this.fd, this.writeOffset);
    this.readPos = { ...committed };
    this.checkpointFd = openSync(join(dir, CHECKPOINT), existsSync(join(dir, CHECKPOINT)) ? 'r+' : 'w+');
  }

  static open(dir: string, options: { fsyncMs?: number; segmentBytes?: number } = {}): Spool {
    mkdirSync(dir, { recursive: true });
    const segments = listSegments(dir);
    // No checkpoint, or one a power cut garbled: read from the oldest segment (replay is harmless, only slower).
    const committed = readCheckpoint(join(dir, CHECKPOINT)) ?? { segment: segments[0] ?? 0, offset: 0 };
    const last = Math.max(committed.segment, ...segments);
    const spool = new Spool(dir, last, committed, options.segmentBytes ?? SEGMENT_BYTES);
    if (options.fsyncMs) spool.syncTimer = setInterval(() => spool.sync(), options.fsyncMs).unref();
    return spool;
  }

  /** Appends one record; it survives the process once flush() has returned. */
  append(record: Uint8Array): void {
    const header = Buffer.allocUnsafe(HEADER);
    header.writeUInt32LE(record.length, 0);
    header.writeUInt32LE(crc32(record), 4);
    // Kept as given: flush copies header and record into the one buffer it writes.
    this.pending.push(header, record);
  }

  /**
   * Writes the records appended since the last flush, in one write to the page cache: from then on
   * they survive the process. If the write fails (a full disk), the records are dropped, the torn
   * tail cut, and the error thrown here and by the next flush too, whoever calls it first: the
   * messages must then not be acknowledged, and the broker sends them again.
   */
  flush(): void {
    if (this.closed) throw new Error('the spool is closed');
    const failed = this.failed;
    if (failed) {
      this.failed = undefined;
      this.pending = [];
      throw failed;
    }
    if (!this.pending.length) return;
    const frames = Buffer.concat(this.pending);
    this.pending = [];
    try {
      if (this.writeOffset >= this.segmentBytes) this.rotate();
      for (let written = 0; written < frames.length; ) written += writeSync(this.fd, frames, written, frames.length - written, this.writeOffset + written);
    } catch (error) {
      try {
        ftruncateSync(this.fd, this.writeOffset);
      } catch {
        // what stays past writeOffset is never read, and cut off by the checksum check at the next start
      }
      this.failed = error as Error;
      throw error;
    }
    this.writeOffset += frames.length;
    this.dirty = true;
  }

  /**
   * Up to max records (and about maxBytes) after the read position, which then moves past them;
   * commit(end) forgets them. The records are views into a buffer read for this call.
   */
  read(max: number, maxBytes = 4 * 1024 * 1024): { records: Buffer[]; end: SpoolPosition } {
    this.flush();
    const records: Buffer[] = [];
    let bytes = 0;
    while (records.length < max && bytes < maxBytes) {
      const { segment, offset } = this.readPos;
      const length = this.segmentLength(segment);
      if (offset >= length) {
        if (segment >= this.writeSegment) break;
        this.readPos = { segment: segment + 1, offset: 0 };
        continue;
      }
      const fd = segment === this.writeSegment ? this.fd : openSync(join(this.dir, segmentName(segment)), 'r');
      try {
        let chunk = Buffer.allocUnsafe(Math.min(length - offset, READ_CHUNK));
        let got = readSync(fd, chunk, 0, chunk.length, offset);
        const first = got >= HEADER ? HEADER + chunk.readUInt32LE(0) : 0;
        if (first > got) {
          // One record larger than a chunk: read it whole, however large (the decoder refuses an oversized payload with a dead letter).
          chunk = Buffer.allocUnsafe(first);
          got = readSync(fd, chunk, 0, first, offset);
        }
        let at = 0;
        while (at + HEADER <= got && records.length < max) {
          const size = chunk.readUInt32LE(at);
          if (at + HEADER + size > got) break;
          records.push(chunk.subarray(at + HEADER, at + HEADER + size));
          at += HEADER + size;
          bytes += size;
        }
        if (at === 0) throw new Error(`spool segment ${segment} is damaged at offset ${offset}`);
        this.readPos = { segment, offset: offset + at };
      } finally {
        if (fd !== this.fd) closeSync(fd);
      }
    }
    return { records, end: { ...this.readPos } };
  }

  /** Everything before this position is stored for good: move the checkpoint, drop finished segments. */
  commit(position: SpoolPosition): void {
    writeSync(this.checkpointFd, Buffer.from(JSON.stringify(position).padEnd(CHECKPOINT_WIDTH)), 0, CHECKPOINT_WIDTH, 0);
    const passed = position.segment > this.committed.segment;
    this.committed = position;
    if (!passed) return;
    for (const segment of listSegments(this.dir)) {
      if (segment < position.segment) {
        rmSync(join(this.dir, segmentName(segment)), { force: true });
        this.sealed.delete(segment);
      }
    }
  }

  /** Read again from the last commit (after a failed batch). */
  rewind(): void {
    this.readPos = { ...this.committed };
  }

  /** Bytes written but not yet committed. */
  get backlogBytes(): number {
    let total = 0;
    for (let s = this.committed.segment; s <= this.writeSegment; s++) total += this.segmentLength(s);
    return total - this.committed.offset;
  }

  sync(): void {
    if (!this.dirty) return;
    this.dirty = false;
    fsync(this.fd, () => undefined);
  }

  close(): void {
    if (this.closed) return;
    try {
      this.flush();
    } finally {
      this.closed = true;
      if (this.syncTimer) clearInterval(this.syncTimer);
      closeSync(this.fd);
      closeSync(this.checkpointFd);
    }
  }

  private segmentLength(segment: number): number {
    if (segment === this.writeSegment) return this.writeOffset;
    let length = this.sealed.get(segment);
    if (length === undefined) this.sealed.set(segment, (length = fileLength(join(this.dir, segmentName(segment)))));
    return length;
  }

  private rotate(): void {
    const next = this.writeSegment + 1;
    const fd = openSync(join(this.dir, segmentName(next)), READ_WRITE);
    closeSync(this.fd);
    this.sealed.set(this.writeSegment, this.writeOffset);
    this.fd = fd;
    this.writeSegment = next;
    this.writeOffset = 0;
  }
}

function listSegments(dir: string): number[] {
  return readdirSync(dir)
    .filter((f) => /^\d{10}\.seg$/.test(f))
    .map((f) => Number(f.slice(0, 10)))
    .sort((a, b) => a - b);
}

function readCheckpoint(file: string): SpoolPosition | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const position = JSON.parse(readFileSync(file, 'utf8')) as Partial<SpoolPosition>;
    return Number.isSafeInteger(position.segment) && Number.isSafeInteger(position.offset) ? (position as SpoolPosition) : undefined;
  } catch {
    return undefined;
  }
}

function fileLength(file: string): number {
  if (!existsSync(file)) return 0;
  const fd = openSync(file, 'r');
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}

/** The length of the segment's whole, checksummed records: a torn tail is left out. */
function validLength(fd: number): number {
  const size = fstatSync(fd).size;
  const header = Buffer.allocUnsafe(HEADER);
  let at = 0;
  while (at + HEADER <= size) {
    readSync(fd, header, 0, HEADER, at);
    const length = header.readUInt32LE(0);
    if (at + HEADER + length > size) break;
    const body = Buffer.allocUnsafe(length);
    readSync(fd, body, 0, length, at + HEADER);
    if (crc32(body) !== header.readUInt32LE(4)) break;
    at += HEADER + length;
  }
  return at;
}
