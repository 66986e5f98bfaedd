// Gzip a page kept as a template (large static segments with small per-reader
// holes between them) without compressing the whole page per request. Each
// static segment is deflated once (deflateSegment); per request, gzipParts
// splices those deflate blocks and the holes, sent as stored (uncompressed)
// blocks, into one gzip member (RFC 1951, RFC 1952). The CRC-32 of the whole
// text is combined from the segments' recorded CRCs, so a segment's text is
// never read again. The price: each segment starts with an empty window, about
// 1 KB more output per segment than gzip of the whole page, so few large
// segments compress best. zlib.crc32 needs Node >= 20.15 (or 22, 24).
import { constants, crc32, deflateRawSync } from "node:zlib";

export interface DeflatedSegment {
  /** Raw deflate blocks, none of them final, ending on a byte boundary. */
  readonly deflated: Buffer;
  /** CRC-32 of the uncompressed text. */
  readonly crc: number;
  /** Length of the uncompressed text in bytes. */
  readonly length: number;
}

export function deflateSegment(text: Buffer, level = 6): DeflatedSegment {
  // A sync flush instead of finishing the stream: the output ends with an empty
  // stored block, so byte-aligned and with no final block, and the next piece
  // can start at the next byte. A fresh stream per segment never refers back
  // before its own start, which matters: the holes change what precedes it.
  const deflated = deflateRawSync(text, { level, finishFlush: constants.Z_SYNC_FLUSH });
  return { deflated, crc: crc32(text), length: text.length };
}

// CRC-32 as polynomial arithmetic over GF(2) modulo p, in zlib's reflected
// representation: bit 31 holds the coefficient of x^0, bit 0 that of x^31.
const POLY = 0xedb88320;

/** a·b mod p. */
function multmodp(a: number, b: number): number {
  let product = 0;
  for (let bit = 31; bit >= 0; bit--) {
    if ((a >>> bit) & 1) product ^= b;
    // b·x: shift towards the high powers, reducing by p when x^32 appears.
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return product >>> 0;
}

/** X2N[k] = x^(2^k) mod p, each the square of the one before. */
const X2N: number[] = [1 << 30];
for (let k = 1; k < 32; k++) X2N.push(multmodp(X2N[k - 1]!, X2N[k - 1]!));

/** x^(n·2^k) mod p, from the binary digits of n. */
function x2nmodp(n: number, k: number): number {
  let power = 0x80000000; // x^0
  // Arithmetic, not bit operators, so lengths above 2^32 work. `& 31` is safe
  // because x^(2^32) = x mod p, as it is for zlib, which does the same.
  for (; n > 0; n = Math.floor(n / 2), k++) {
    if (n % 2) power = multmodp(X2N[k & 31]!, power);
  }
  return power;
}

/**
 * CRC-32 of A‖B from crc1 = CRC-32(A), crc2 = CRC-32(B) and length2 = |B|, as
 * zlib's crc32_combine. The raw CRC register update is linear: running over B
 * from register r gives r·x^(8|B|) ⊕ R(B), with R(B) the run from 0. CRC-32
 * starts from ~0 and inverts at the end (inverting is ⊕ ~0), so
 * CRC(A‖B) = ~(~crc1·x^(8|B|) ⊕ R(B)) = crc1·x^(8|B|) ⊕ ~(~0·x^(8|B|) ⊕ R(B))
 *          = crc1·x^(8|B|) ⊕ crc2.
 */
export function crc32Combine(crc1: number, crc2: number, length2: number): number {
  return (multmodp(x2nmodp(length2, 3), crc1) ^ crc2) >>> 0;
}

// ID1 ID2, CM = deflate, FLG = 0, MTIME = 0, XFL = 0 (segments may mix levels),
// OS = 255 "unknown": the field names the file system the text came from, for
// line-end conversion, and a response body has none (Go's gzip writes 255 too).
const HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]);
const MAX_STORED = 65_535;
const STORED_HEADER = 5;
// BFINAL = 1, BTYPE = 01 (fixed Huffman), then only the 7-bit end-of-block code.
const FINAL_BLOCK_0 = 0x03;
const FINAL_BLOCK_1 = 0x00;
const TRAILER = 8;

/**
 * One complete gzip member holding the pieces' texts in order: static segments
 * (pre-deflated) and holes (Buffers, sent as stored blocks with no zlib call), as
 * a list of buffers to write in turn: segments of `shareFrom` bytes or more as
 * they are kept (shared, never copied), everything between them joined into one
 * small buffer (Infinity: the whole member in one). A page sent this way allocates a few
 * kilobytes per request instead of its whole compressed size.
 */
export function gzipParts(pieces: ReadonlyArray<DeflatedSegment | Buffer>, shareFrom = 4096): Buffer[] {
  const parts: Buffer[] = [];
  let run: (DeflatedSegment | Buffer)[] = [];
  let first = true;
  const flush = (last: boolean) => {
    if (run.length > 0 || first) parts.push(encodeRun(run, first, last));
    run = [];
    first = false;
  };
  let crc = 0;
  let length = 0;
  for (const piece of pieces) {
    if (!Buffer.isBuffer(piece) && piece.deflated.length >= shareFrom) {
      flush(false);
      parts.push(piece.deflated);
    } else run.push(piece);
    crc = Buffer.isBuffer(piece) ? crc32(piece, crc) : crc32Combine(crc, piece.crc, piece.length);
    length += piece.length;
  }
  run.push(trailer(crc, length));
  flush(true);
  return parts;
}

function trailer(crc: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(2 + TRAILER);
  out[0] = FINAL_BLOCK_0;
  out[1] = FINAL_BLOCK_1;
  out.writeUInt32LE(crc, 2);
  out.writeUInt32LE(length >>> 0, 6); // ISIZE is the length mod 2^32
  return out;
}

/** Pieces written out in one buffer: holes as stored blocks, segments as kept; the header first, a trailer as it is. */
function encodeRun(run: ReadonlyArray<DeflatedSegment | Buffer>, withHeader: boolean, endsWithTrailer: boolean): Buffer {
  const raw = endsWithTrailer ? run.length - 1 : run.length;
  let size = withHeader ? HEADER.length : 0;
  for (let i = 0; i < run.length; i++) {
    const piece = run[i]!;
    size += !Buffer.isBuffer(piece) ? piece.deflated.length : i < raw ? storedSize(piece.length) : piece.length;
  }
  const out = Buffer.allocUnsafe(size);
  let at = withHeader ? HEADER.copy(out, 0) : 0;
  for (let i = 0; i < run.length; i++) {
    const piece = run[i]!;
    if (!Buffer.isBuffer(piece)) at += piece.deflated.copy(out, at);
    else if (i < raw) at = writeStored(out, at, piece);
    else at += piece.copy(out, at);
  }
  return out;
}

const storedSize = (length: number) => length + STORED_HEADER * Math.ceil(length / MAX_STORED);

/** A hole as stored blocks of at most 65,535 bytes each; returns where the next byte goes. */
function writeStored(out: Buffer, at: number, piece: Buffer): number {
  for (let start = 0; start < piece.length; start += MAX_STORED) {
    const end = Math.min(start + MAX_STORED, piece.length);
    // BFINAL = 0, BTYPE = 00, padding to the byte; LEN, NLEN = ~LEN.
    out[at] = 0x00;
    out.writeUInt16LE(end - start, at + 1);
    out.writeUInt16LE(~(end - start) & 0xffff, at + 3);
    at += STORED_HEADER + piece.copy(out, at + STORED_HEADER, start, end);
  }
  return at;
}
