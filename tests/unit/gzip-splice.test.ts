import { Readable } from "node:stream";
import { crc32, createGunzip, gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { crc32Combine, deflateSegment, gzipParts, type DeflatedSegment } from "../../app/lib/gzip-splice";

/** The whole member in one buffer. */
function assembleGzip(pieces: ReadonlyArray<DeflatedSegment | Buffer>): Buffer {
  const parts = gzipParts(pieces, Infinity);
  expect(parts).toHaveLength(1);
  return parts[0]!;
}

// Seeded, so a failure reproduces.
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function randomBytes(length: number, seed: number): Buffer {
  const next = random(seed);
  return Buffer.from(Array.from({ length }, () => Math.floor(next() * 256)));
}

const WORDS = (
  "the of and to in is that for it as with was on be by this are at from or an have not but which they were has more " +
  "had their its one been all also will would there can who about than into only other new some could these two may " +
  "first then do any like now over such our even most made after so through years where much way down should because " +
  "long each well just those people how too little good very make still own see work here between both being under " +
  "never day same another know while last might great old year off come since against go came right used take three " +
  "revenue guidance margin dividend buyback quarter upside valuation earnings shares"
).split(" ");
const NAMES = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "olivia"];

/** Forum-page-like HTML: repeated markup around varying names, numbers and prose. */
function htmlPage(bytes: number, seed: number): Buffer {
  const next = random(seed);
  const pick = (words: string[]) => words[Math.floor(next() * words.length)]!;
  let html = '<!DOCTYPE html><html><head><title>Thread</title></head><body><ol class="comments">';
  while (html.length < bytes) {
    const id = Math.floor(next() * 1e6);
    const name = pick(NAMES);
    const prose = Array.from({ length: 20 + Math.floor(next() * 60) }, () => pick(WORDS)).join(" ");
    html += `<li id="c${id}" class="comment"><a class="member" href="/m/${name}">${name}</a>`;
    html += `<time datetime="2024-0${1 + (id % 9)}-${10 + (id % 19)}T${10 + (id % 14)}:${10 + (id % 50)}">`;
    html += `${id % 60} min ago</time><p>${prose}</p><span class="votes">${id % 300}</span></li>\n`;
  }
  return Buffer.from(html.slice(0, bytes), "latin1");
}

type Piece = { segment: Buffer } | { hole: Buffer };
const segment = (text: Buffer | string): Piece => ({ segment: Buffer.from(text) });
const hole = (text: Buffer | string): Piece => ({ hole: Buffer.from(text) });

function splice(pieces: Piece[]): Buffer {
  return assembleGzip(pieces.map((piece) => ("segment" in piece ? deflateSegment(piece.segment) : piece.hole)));
}

function plain(pieces: Piece[]): Buffer {
  return Buffer.concat(pieces.map((piece) => ("segment" in piece ? piece.segment : piece.hole)));
}

const utf8 = Buffer.from("Größe «€» 株式 📈 naïve — ", "utf8");
const page = htmlPage(400_000, 1);

const CASES: Array<[string, Piece[]]> = [
  ["only segments", [segment("<html><body>"), segment("<p>static</p>"), segment("</body></html>")]],
  ["only holes", [hole("Alice"), hole("42"), hole('{"unread":3}')]],
  ["alternating", [segment("<p>Hello, "), hole("Alice"), segment("! You have "), hole("3"), segment(" replies.</p>")]],
  ["empty segments and holes", [segment(""), hole(""), segment("a"), hole(""), segment(""), hole("b"), segment("")]],
  ["no pieces at all", []],
  ["a hole of 0 bytes", [segment("before"), hole(""), segment("after")]],
  ["a hole of 1 byte", [segment("before"), hole("x"), segment("after")]],
  ["a hole of 65,535 bytes", [segment("before"), hole(randomBytes(65_535, 2)), segment("after")]],
  ["a hole of 65,536 bytes", [segment("before"), hole(randomBytes(65_536, 3)), segment("after")]],
  ["a hole of 200,000 bytes", [segment("before"), hole(randomBytes(200_000, 4)), segment("after")]],
  ["a segment of 400 KB of HTML", [hole("<!-- member 7 -->"), segment(page), hole("<!-- 12 ms -->")]],
  // Cuts inside multibyte characters: only the concatenation is valid UTF-8.
  ["UTF-8 split across pieces", [segment(utf8.subarray(0, 4)), hole(utf8.subarray(4, 11)), segment(utf8.subarray(11, 20)), hole(utf8.subarray(20))]],
];

describe("gzipParts, the whole member in one buffer", () => {
  it.each(CASES)("gunzips to the pieces' concatenation: %s", (_name, pieces) => {
    expect(gunzipSync(splice(pieces)).equals(plain(pieces))).toBe(true);
  });

  it("keeps the UTF-8 text intact across the cuts", () => {
    const pieces = CASES.find(([name]) => name === "UTF-8 split across pieces")![1];
    expect(gunzipSync(splice(pieces)).toString("utf8")).toBe(utf8.toString("utf8"));
  });

  it("sends a hole as stored blocks of at most 65,535 bytes, 5 bytes of header each", () => {
    const gzip = assembleGzip([randomBytes(65_536, 5)]);
    // Header, two stored blocks (65,535 + 1 bytes), the final empty block, the trailer.
    expect(gzip.length).toBe(10 + (5 + 65_535) + (5 + 1) + 2 + 8);
    expect([...gzip.subarray(10, 15)]).toEqual([0x00, 0xff, 0xff, 0x00, 0x00]);
    expect([...gzip.subarray(65_550, 65_555)]).toEqual([0x00, 0x01, 0x00, 0xfe, 0xff]);
  });

  it("writes a fixed header: deflate, no flags, no mtime, OS unknown", () => {
    expect([...splice(CASES[2]![1]).subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
  });

  const alternating = [segment(page.subarray(0, 150_000)), hole("Alice"), segment(page.subarray(150_000)), hole("!")];

  it("is read by a streaming gunzip fed in small chunks", async () => {
    const gzip = splice(alternating);
    const chunks = Array.from({ length: Math.ceil(gzip.length / 1000) }, (_, i) => gzip.subarray(i * 1000, (i + 1) * 1000));
    const out: Buffer[] = [];
    for await (const chunk of Readable.from(chunks).pipe(createGunzip())) out.push(chunk as Buffer);
    expect(Buffer.concat(out).equals(plain(alternating))).toBe(true);
  });

  it("is a complete member: gunzip checks the trailer and rejects any corrupted or missing byte of it", () => {
    const gzip = splice(alternating);
    expect(() => gunzipSync(gzip)).not.toThrow();
    for (let i = gzip.length - 8; i < gzip.length; i++) {
      const corrupt = Buffer.from(gzip);
      corrupt[i]! ^= 0x01;
      expect(() => gunzipSync(corrupt), `trailer byte ${i - gzip.length + 8}`).toThrow();
    }
    expect(() => gunzipSync(gzip.subarray(0, -1))).toThrow(/unexpected end of file/);
  });

  // Each segment is its own deflate stream, so it starts with an empty window
  // and cannot refer back across the hole before it. That restart costs about
  // 1 KB per segment, on this page as on real HTML (Rust's docs: 7-15 % over
  // gzip -6 with ten holes in 400 KB), so ≤ 1.05× holds only for segments of
  // about 100 KB and more; ten holes in 400 KB are held to ≤ 1.15×.
  function withHoles(count: number): Piece[] {
    const cut = (i: number) => Math.round((i * page.length) / (count + 1));
    const pieces: Piece[] = [segment(page.subarray(0, cut(1)))];
    for (let i = 1; i <= count; i++) {
      pieces.push(hole(randomBytes(50, 100 + i).toString("base64").slice(0, 50)), segment(page.subarray(cut(i), cut(i + 1))));
    }
    return pieces;
  }
  const sizes = (pieces: Piece[]) => [splice(pieces).length, gzipSync(plain(pieces), { level: 6 }).length] as const;
  const [ten, tenWhole] = sizes(withHoles(10));
  const [two, twoWhole] = sizes(withHoles(2));

  it(`compresses a 400 KB page with ten 50-byte holes to ≤ 1.15× gzip -6 of the whole (${ten} vs ${tenWhole} bytes)`, () => {
    expect(plain(withHoles(10)).length).toBe(400_500);
    expect(ten).toBeLessThanOrEqual(tenWhole * 1.15);
  });

  it(`compresses it with two holes to ≤ 1.05× gzip -6 of the whole (${two} vs ${twoWhole} bytes)`, () => {
    expect(two).toBeLessThanOrEqual(twoWhole * 1.05);
  });
});

describe("gzipParts", () => {
  it.each(CASES)("is assembleGzip's member cut where the big segments are, which it shares as kept: %s", (_name, pieces) => {
    const kept = pieces.map((piece) => ("segment" in piece ? deflateSegment(piece.segment) : piece.hole));
    const parts = gzipParts(kept, 1024);
    expect(Buffer.concat(parts).equals(assembleGzip(kept))).toBe(true);
    expect(gunzipSync(Buffer.concat(parts)).equals(plain(pieces))).toBe(true);
    for (const piece of kept) {
      if (!Buffer.isBuffer(piece) && piece.deflated.length >= 1024) expect(parts).toContain(piece.deflated);
    }
    expect(parts.every((part) => part.length > 0)).toBe(true);
  });

  it("joins what lies between big segments into one buffer", () => {
    const big = deflateSegment(page);
    const parts = gzipParts([Buffer.from("a"), deflateSegment(Buffer.from("<p>")), big, Buffer.from("b"), big, Buffer.from("c")], 1024);
    // header+a+<p>, big, b, big, c+trailer
    expect(parts.map((part) => (part === big.deflated ? "big" : "small"))).toEqual(["small", "big", "small", "big", "small"]);
  });
});

describe("crc32Combine", () => {
  const next = random(7);
  const lengths = [0, 1, 2, 3, 7, 8, 255, 256, 4096, 65_537, ...Array.from({ length: 20 }, () => Math.floor(next() * 100_000))];

  it.each(lengths.map((length, i) => [lengths[(i * 7) % lengths.length]!, length]))(
    "gives the CRC-32 of a‖b for |a| = %i, |b| = %i",
    (lengthA, lengthB) => {
      const a = randomBytes(lengthA, lengthA + 11);
      const b = randomBytes(lengthB, lengthB + 13);
      expect(crc32Combine(crc32(a), crc32(b), b.length)).toBe(crc32(Buffer.concat([a, b])));
    },
  );

  it("is associative over three parts", () => {
    for (const [la, lb, lc] of [[0, 0, 0], [5, 0, 9], [1000, 33, 0], [12_345, 678, 90_123]] as const) {
      const [a, b, c] = [randomBytes(la, 1), randomBytes(lb, 2), randomBytes(lc, 3)];
      const left = crc32Combine(crc32Combine(crc32(a), crc32(b), lb), crc32(c), lc);
      const right = crc32Combine(crc32(a), crc32Combine(crc32(b), crc32(c), lc), lb + lc);
      expect(left).toBe(right);
      expect(left).toBe(crc32(Buffer.concat([a, b, c])));
    }
  });

  it("handles lengths past the 32-entry power table (2^29 bytes and more)", () => {
    // With crc2 = 0 the combine is a bare shift by x^(8·length2). Shifting by
    // 2^28 bytes twice uses the table's last entry; shifting by 2^29 at once
    // wraps round to its first (x^(2^32) = x mod p). They must agree.
    const crc = crc32(Buffer.from("assay"));
    expect(crc32Combine(crc, 0, 2 ** 29)).toBe(crc32Combine(crc32Combine(crc, 0, 2 ** 28), 0, 2 ** 28));
  });
});
