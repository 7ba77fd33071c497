import { inflateRawSync } from "node:zlib";

// A small reader of a ZIP's central directory, so an XLSX is measured BEFORE exceljs (JSZip)
// inflates it into memory. No ZIP library is a direct dependency, and what we need is ~100 lines:
// the end-of-central-directory record, the central directory entries, and each entry's local
// header to find its data. Declared sizes can lie, so every entry is then inflated with
// zlib's maxOutputLength set to its declared size: a lying entry stops at that many bytes
// instead of filling the memory. APPNOTE.TXT (PKWARE) is the reference for the offsets below.

export type ZipLimits = {
  /** sum of the entries' uncompressed sizes */
  maxUncompressedBytes: number;
  /** entries in the archive (an XLSX has a dozen or so, plus one per sheet and image) */
  maxEntries: number;
  /** compression ratio refused for an entry, once it expands beyond ratioFloorBytes */
  maxRatio: number;
  ratioFloorBytes: number;
};

export type ZipEntry = { name: string; method: number; compressedSize: number; uncompressedSize: number; offset: number };

export type ZipCheck =
  | { ok: true; entries: ZipEntry[]; uncompressedBytes: number }
  | { ok: false; code: "not_zip"; detail: string }
  | { ok: false; code: "zip_too_large"; size: number }
  | { ok: false; code: "zip_entries"; count: number }
  | { ok: false; code: "zip_ratio"; entry: string; ratio: number }
  | { ok: false; code: "zip_mismatch"; entry: string };

const EOCD = 0x06054b50;
const CEN = 0x02014b50;
const LOC = 0x04034b50;

function findEocd(buf: Buffer): number {
  // The record is 22 bytes plus a comment of at most 65,535 bytes, at the very end.
  const stop = Math.max(0, buf.length - 22 - 0xffff);
  for (let i = buf.length - 22; i >= stop; i--) {
    if (buf.readUInt32LE(i) === EOCD) return i;
  }
  return -1;
}

/** Reads the central directory and checks the declared sizes against the limits. */
export function readZipDirectory(buf: Buffer, limits: ZipLimits): ZipCheck {
  if (buf.length < 22) return { ok: false, code: "not_zip", detail: "too short" };
  const eocd = findEocd(buf);
  if (eocd < 0) return { ok: false, code: "not_zip", detail: "no ZIP directory" };
  const count = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  // ZIP64 marks its fields 0xFFFF/0xFFFFFFFF. An upload within our byte limit never needs it.
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    return { ok: false, code: "not_zip", detail: "ZIP64 archives are not accepted" };
  }
  if (count > limits.maxEntries) return { ok: false, code: "zip_entries", count };
  if (cdOffset + cdSize > eocd) return { ok: false, code: "not_zip", detail: "damaged ZIP directory" };

  const entries: ZipEntry[] = [];
  let total = 0;
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > eocd || buf.readUInt32LE(p) !== CEN) return { ok: false, code: "not_zip", detail: "damaged ZIP directory" };
    const method = buf.readUInt16LE(p + 10);
    const compressedSize = buf.readUInt32LE(p + 20);
    const uncompressedSize = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const offset = buf.readUInt32LE(p + 42);
    const name = buf.toString("utf8", p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;

    if (compressedSize === 0xffffffff || uncompressedSize === 0xffffffff || offset === 0xffffffff) {
      return { ok: false, code: "not_zip", detail: "ZIP64 archives are not accepted" };
    }
    total += uncompressedSize;
    if (total > limits.maxUncompressedBytes) return { ok: false, code: "zip_too_large", size: total };
    const ratio = uncompressedSize / Math.max(compressedSize, 1);
    if (uncompressedSize > limits.ratioFloorBytes && ratio > limits.maxRatio) {
      return { ok: false, code: "zip_ratio", entry: name, ratio: Math.round(ratio) };
    }
    entries.push({ name, method, compressedSize, uncompressedSize, offset });
  }
  return { ok: true, entries, uncompressedBytes: total };
}

/**
 * Inflates every entry, refusing one that expands beyond its declared size (or falls short of
 * it): after this, the directory's sizes are the truth and the limits above really hold.
 * Costs one extra inflation of at most maxUncompressedBytes.
 */
export function verifyZipEntries(buf: Buffer, entries: ZipEntry[]): ZipCheck | null {
  for (const e of entries) {
    if (e.offset + 30 > buf.length || buf.readUInt32LE(e.offset) !== LOC) {
      return { ok: false, code: "not_zip", detail: `damaged entry ${e.name}` };
    }
    const start = e.offset + 30 + buf.readUInt16LE(e.offset + 26) + buf.readUInt16LE(e.offset + 28);
    const data = buf.subarray(start, start + e.compressedSize);
    if (data.length !== e.compressedSize) return { ok: false, code: "not_zip", detail: `truncated entry ${e.name}` };
    if (e.method === 0) {
      if (e.compressedSize !== e.uncompressedSize) return { ok: false, code: "zip_mismatch", entry: e.name };
      continue;
    }
    if (e.method !== 8) return { ok: false, code: "not_zip", detail: `unsupported compression in ${e.name}` };
    let out: Buffer;
    try {
      // +1 so that "exactly the declared size" and "more than declared" can be told apart
      out = inflateRawSync(data, { maxOutputLength: e.uncompressedSize + 1 });
    } catch (error) {
      if (error instanceof RangeError) return { ok: false, code: "zip_mismatch", entry: e.name };
      return { ok: false, code: "not_zip", detail: `damaged entry ${e.name}` };
    }
    if (out.length !== e.uncompressedSize) return { ok: false, code: "zip_mismatch", entry: e.name };
  }
  return null;
}
