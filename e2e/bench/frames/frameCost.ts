// The per-frame cost of SFrame, measured the same way in Node and in a
// browser worker: encrypt and decrypt, per cipher suite and frame size, next
// to a pass-through (copy the frame, as a transform that does nothing must)
// as the baseline; and whole per-frame formats (Parley's, Jitsi/LiveKit's,
// Signal's; in Node also a synchronous AES-NI reference) on the same frames,
// interleaved with the rest.
//
// Pitfalls this handles: browsers coarsen their clocks (5–100 µs), so frames
// are timed in batches of at least `minBatchMs` and each batch gives one
// per-frame figure; machines drift and WebCrypto hops to a thread pool, so
// the whole matrix is measured in several interleaved rounds after a
// discarded warm-up round, and medians are taken over all batches.
import { cipherSuite, deriveSFrameKey, encryptFrame, decryptFrame, type SFrameKey } from '@parley/shared/sframe';
import type { FrameFormat, FrameInfo } from '../formats/FrameFormat.js';
import { jframeFormat } from '../formats/jframeFormat.js';
import { parleyFormat } from '../formats/parleyFormat.js';
import { ringrtcFormat } from '../formats/ringrtcFormat.js';

export type FrameCostParameters = {
  suites: number[];
  sizes: number[];
  /** Interleaved passes over the whole matrix. */
  rounds: number;
  /** Batches per cell per round. */
  batches: number;
  minBatchMs: number;
};

export type FrameCostRow = {
  /** 'suite': a bare SFrame cipher suite; 'format': a whole per-frame format (Parley's or an anchor's). */
  group: 'suite' | 'format';
  suite: string;
  size: number;
  operation: 'encrypt' | 'decrypt' | 'pass-through';
  medianUs: number;
  p99Us: number;
  /** Frame bytes processed per second at the median, MB/s. */
  throughputMBps: number;
  /** Bytes SFrame adds to a frame of this size (Parley's KIDs, a 2-byte counter). */
  bytesAdded: number;
  /** Frames timed in all. */
  frames: number;
};

type Bytes = Uint8Array<ArrayBuffer>;
type Cell = {
  group: FrameCostRow['group'];
  suite: string;
  size: number;
  operation: FrameCostRow['operation'];
  bytesAdded: number;
  run: () => Promise<unknown>;
  batchSize: number;
  samples: number[];
};

const kid = 0x10n; // slot 1, epoch 0: a one-byte KID, as in a real call
const pool = 16; // distinct frames per size, used round-robin

function quantiles(values: number[]): { median: number; p99: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
  return { median: at(0.5), p99: at(0.99) };
}

/** Random content: the cipher does not care what is inside. */
function randomFrame(size: number): Bytes {
  const frame = new Uint8Array(size);
  for (let offset = 0; offset < size; offset += 65536)
    crypto.getRandomValues(frame.subarray(offset, Math.min(size, offset + 65536)));
  return frame;
}

/** Audio-sized frames keep 1 clear byte (Opus TOC), video-sized 3 (VP8 delta frame). */
const clearBytes = (size: number) => (size <= 200 ? 1 : 3);

/** The formats every runtime measures (WebCrypto only); Node adds its synchronous AES-NI reference. */
const webCryptoFormats = () => Promise.all([parleyFormat(), jframeFormat(), ringrtcFormat()]);

async function buildCells(parameters: FrameCostParameters, extraFormats: FrameFormat[]): Promise<Cell[]> {
  const formats = [...(await webCryptoFormats()), ...extraFormats];
  const cells: Cell[] = [];
  for (const size of parameters.sizes) {
    const frames = Array.from({ length: pool }, () => randomFrame(size));
    const clear = clearBytes(size);
    let n = 0;
    const next = () => frames[n++ % pool] ?? new Uint8Array(0);
    const cell = (
      suite: string,
      operation: Cell['operation'],
      bytesAdded: number,
      run: () => Promise<unknown>,
      group: Cell['group'] = 'suite',
    ) => cells.push({ group, suite, size, operation, bytesAdded, run, batchSize: 1, samples: [] });
    cell('none', 'pass-through', 0, async () => {
      const frame = next();
      const out = new Uint8Array(frame.length);
      out.set(frame);
      return out;
    });
    for (const id of parameters.suites) {
      const suite = cipherSuite(id);
      const key: SFrameKey = await deriveSFrameKey(suite, kid, crypto.getRandomValues(new Uint8Array(32)));
      let ctr = 1000n; // past the first frames the counter takes 2 bytes, as in a call
      const sealed = await Promise.all(
        frames.map((f) => encryptFrame(key, ctr++, f.subarray(0, clear), f.subarray(clear))),
      );
      const bytesAdded = (sealed[0]?.length ?? 0) - (size - clear);
      cell(suite.name, 'encrypt', bytesAdded, () => {
        const frame = next();
        return encryptFrame(key, ctr++, frame.subarray(0, clear), frame.subarray(clear));
      });
      let d = 0;
      cell(suite.name, 'decrypt', bytesAdded, async () => {
        const i = d++ % pool;
        const result = await decryptFrame(
          () => key,
          sealed[i] ?? new Uint8Array(0),
          (frames[i] ?? new Uint8Array(0)).subarray(0, clear),
        );
        if (typeof result === 'string') throw new Error(`benchmark frame failed to decrypt: ${result}`);
      });
    }
    // Whole formats on the same frames: audio-sized ones as Opus, the others as VP8 delta frames.
    const info: FrameInfo = { kind: size <= 200 ? 'audio' : 'video', ssrc: 0x1234_5678, timestamp: 90_000 };
    const media = frames.map((f) => {
      const copy = f.slice();
      if (info.kind === 'video') copy[0] = (copy[0] ?? 0) | 1;
      return copy;
    });
    for (const format of formats) {
      let e = 0;
      let d = 0;
      const sealed = await Promise.all(media.map((f) => format.encrypt(f, info)));
      const bytesAdded = (sealed[0]?.length ?? 0) - size;
      cell(
        format.name,
        'encrypt',
        bytesAdded,
        async () => format.encrypt(media[e++ % pool] ?? new Uint8Array(0), info),
        'format',
      );
      cell(
        format.name,
        'decrypt',
        bytesAdded,
        async () => {
          if (!(await format.decrypt(sealed[d++ % pool] ?? new Uint8Array(0), info)))
            throw new Error(`${format.name}: benchmark frame failed to decrypt`);
        },
        'format',
      );
    }
  }
  return cells;
}

async function timeBatch(cell: Cell): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < cell.batchSize; i++) await cell.run();
  return performance.now() - start;
}

export async function measureFrameCost(
  parameters: FrameCostParameters,
  onProgress: (message: string) => void = () => undefined,
  extraFormats: FrameFormat[] = [],
): Promise<FrameCostRow[]> {
  const cells = await buildCells(parameters, extraFormats);
  // Warm-up, discarded, which also sizes each cell's batch to last minBatchMs.
  for (const cell of cells) {
    cell.batchSize = 4;
    const ms = Math.max(await timeBatch(cell), 0.001);
    cell.batchSize = Math.min(2000, Math.max(1, Math.ceil((parameters.minBatchMs * cell.batchSize) / ms)));
    await timeBatch(cell);
  }
  for (let round = 1; round <= parameters.rounds; round++) {
    for (const cell of cells) {
      for (let b = 0; b < parameters.batches; b++) cell.samples.push(((await timeBatch(cell)) * 1000) / cell.batchSize);
    }
    onProgress(`round ${round}/${parameters.rounds} done`);
  }
  return cells.map((cell) => {
    const { median, p99 } = quantiles(cell.samples);
    return {
      group: cell.group,
      suite: cell.suite,
      size: cell.size,
      operation: cell.operation,
      medianUs: Math.round(median * 100) / 100,
      p99Us: Math.round(p99 * 100) / 100,
      throughputMBps: Math.round(cell.size / median),
      bytesAdded: cell.bytesAdded,
      frames: cell.samples.length * cell.batchSize,
    };
  });
}
