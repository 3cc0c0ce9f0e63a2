/**
 * The masks of the bitwise query operators and their tests, as MongoDB's `BitTestMatchExpression`
 * (expression_leaf.cpp) and `parseBitTest` (expression_parser.cpp) define them: a mask is a
 * non-negative 64-bit integer, an array of bit positions or a BinData; a number is tested as a
 * 64-bit two's complement integer (bits past 63 are its sign bit), a BinData byte by byte (bit 0 is
 * the low bit of byte 0; bits past its end are 0).
 * @packageDocumentation
 */
import { isNumeric } from "./bsonNumbers.js";
import { nonNegativeIntArgument, nonNegativeLongArgument, type Parsed } from "./bsonQueryNumbersArgs.js";
import { binaryBytes, elementText } from "./bsonText.js";

/** The four bitwise operators. */
export type BitOperator = "$bitsAllSet" | "$bitsAllClear" | "$bitsAnySet" | "$bitsAnyClear";

/**
 * A parsed mask: the bits tested in a number, and those tested in a BinData as bytes (either every
 * byte from 0, `indexes` undefined, or the listed bytes only, in increasing order).
 */
export interface BitMask {
  /** The 64 bits tested in a number, as an unsigned integer. */
  numeric: bigint;
  /** The bits of each tested byte of a BinData. */
  bits: Uint8Array;
  /** The byte each entry of `bits` is at, when not every byte from 0 is listed. */
  indexes: Uint32Array | undefined;
  /** The last byte with a bit to test, -1 for none. */
  last: number;
}

const BIT_63 = 1n << 63n;

function lastNonZero(bits: Uint8Array, indexes: Uint32Array | undefined): number {
  for (let i = bits.length - 1; i >= 0; i--) if (bits[i] !== 0) return indexes === undefined ? i : (indexes[i] ?? -1);
  return -1;
}

/** A mask of a BinData: bytes 0–7 as the low 64 bits (little-endian), any later bit as bit 63. */
function binaryMask(bytes: Uint8Array): BitMask {
  let numeric = 0n;
  for (let i = Math.min(bytes.length, 8) - 1; i >= 0; i--) numeric = (numeric << 8n) | BigInt(bytes[i] ?? 0);
  const last = lastNonZero(bytes, undefined);
  // MongoDB widens each byte from a `char`, signed on x86 (where a byte of 0x80 or more also sets
  // every higher bit of the mask); the bytes are read unsigned here, as on ARM
  if (last >= 8) numeric |= BIT_63;
  return { numeric, bits: bytes, indexes: undefined, last };
}

/** A mask of bit positions: each position past 63 is bit 63 for numbers, its own bit for a BinData. */
function positionsMask(positions: number[]): BitMask {
  let numeric = 0n;
  const byByte = new Map<number, number>();
  for (const p of positions) {
    numeric |= 1n << BigInt(Math.min(p, 63));
    const byte = Math.floor(p / 8);
    byByte.set(byte, (byByte.get(byte) ?? 0) | (1 << (p % 8)));
  }
  const order = [...byByte.keys()].sort((a, b) => a - b);
  const indexes = Uint32Array.from(order);
  const bits = Uint8Array.from(order, (byte) => byByte.get(byte) ?? 0);
  return { numeric, bits, indexes, last: lastNonZero(bits, indexes) };
}

/** A mask of a number: its 64 bits, as 8 bytes for a BinData. */
function numberMask(mask: bigint): BitMask {
  const bits = new Uint8Array(8);
  for (let i = 0; i < 8; i++) bits[i] = Number((mask >> BigInt(8 * i)) & 0xffn);
  return { numeric: mask, bits, indexes: undefined, last: lastNonZero(bits, undefined) };
}

/**
 * A bitwise operator's mask, or MongoDB's message for why it is not one: a negative, fractional,
 * NaN or out-of-range number ("Expected a non-negative number in: $bitsAllSet: -1", …), a bad bit
 * position ("Failed to parse bit position. …"), or another type ("a takes an Array, a number, or a
 * BinData but received: $bitsAllSet: \"x\"").
 * @param op - the operator
 * @param path - the field path it is applied to
 * @param value - its argument
 */
export function parseBitMask(op: BitOperator, path: string, value: unknown): Parsed<BitMask> {
  if (Array.isArray(value)) {
    const positions: number[] = [];
    for (let i = 0; i < value.length; i++) {
      const p = nonNegativeIntArgument(String(i), value[i]);
      if (!p.ok) return { ok: false, problem: `Failed to parse bit position. ${p.problem}` };
      positions.push(p.value);
    }
    return { ok: true, value: positionsMask(positions) };
  }
  if (isNumeric(value)) {
    const mask = nonNegativeLongArgument(op, value);
    return mask.ok ? { ok: true, value: numberMask(mask.value) } : mask;
  }
  const bytes = binaryBytes(value);
  if (bytes !== undefined) return { ok: true, value: binaryMask(bytes) };
  return { ok: false, problem: `${path} takes an Array, a number, or a BinData but received: ${elementText(op, value)}` };
}

/**
 * The bit test of a 64-bit integer (sign-extended: bits past 63 are its sign bit).
 * @param op - the operator
 * @param mask - its mask
 * @param value - the field's value as a signed 64-bit integer
 */
export function testNumber(op: BitOperator, mask: BitMask, value: bigint): boolean {
  const set = BigInt.asUintN(64, value) & mask.numeric;
  switch (op) {
    case "$bitsAllSet":
      return set === mask.numeric;
    case "$bitsAllClear":
      return set === 0n;
    case "$bitsAnySet":
      return set !== 0n;
    default:
      return set !== mask.numeric;
  }
}

/**
 * The bit test of a BinData's bytes (bits past its end are 0). Only the bytes the value has are
 * read, so a long mask costs no more than the value.
 * @param op - the operator
 * @param mask - its mask
 * @param bytes - the field's bytes
 */
export function testBytes(op: BitOperator, mask: BitMask, bytes: Uint8Array): boolean {
  const beyond = mask.last >= bytes.length; // a bit to test past the value's end, which is 0
  if (beyond && op === "$bitsAllSet") return false;
  if (beyond && op === "$bitsAnyClear") return true;
  const { bits, indexes } = mask;
  for (let i = 0; i < bits.length; i++) {
    const at = indexes === undefined ? i : (indexes[i] ?? 0);
    if (at >= bytes.length) break;
    const wanted = bits[i] ?? 0;
    const set = (bytes[at] ?? 0) & wanted;
    if (op === "$bitsAllSet" && set !== wanted) return false;
    if (op === "$bitsAllClear" && set !== 0) return false;
    if (op === "$bitsAnySet" && set !== 0) return true;
    if (op === "$bitsAnyClear" && set !== wanted) return true;
  }
  return op === "$bitsAllSet" || op === "$bitsAllClear";
}
