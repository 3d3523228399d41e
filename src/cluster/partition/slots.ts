// Redis Cluster's 16,384 hash slots. A key's slot is CRC16(key) mod 16384, where CRC16 is
// CRC-16/XMODEM (polynomial 0x1021, initial value 0, no reflection — Redis's crc16.c) and the
// hashed bytes are those between the first '{' and the first '}' after it when that span is
// non-empty (a "hash tag"), else the whole key: keyHashSlot() in Redis's cluster.c, byte for
// byte. Slots are assigned to masters in contiguous ranges exactly as `redis-cli --cluster
// create` lays them out (0-5460, 5461-10922, 10923-16383 for three masters).
//
// Fault model: none — keys are any bytes (strings are hashed as UTF-8, as Redis receives
// them from clients); the master list is validated (nodes.ts).

import type { Key } from './hash.js';
import { checkNodes, checkUnweighted, PartitionError } from './nodes.js';
import type { Partitioner } from './partitioner.js';

export const SLOT_COUNT = 16384;

const CRC16_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
    table[i] = crc & 0xffff;
  }
  return table;
})();

/** CRC-16/XMODEM of bytes[start, end): "123456789" gives 0x31c3. */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0;
  for (let i = start; i < end; i++)
    crc =
      ((crc << 8) ^ (CRC16_TABLE[((crc >>> 8) ^ (bytes[i] as number)) & 0xff] as number)) & 0xffff;
  return crc;
}

const encoder = new TextEncoder();
const OPEN = 0x7b; // '{'
const CLOSE = 0x7d; // '}'

/** Redis's keyHashSlot: the slot `CLUSTER KEYSLOT key` answers. */
export function keyHashSlot(key: Key): number {
  if (typeof key === 'string' && isAscii(key)) return asciiKeyHashSlot(key);
  const bytes = typeof key === 'string' ? encoder.encode(key) : key;
  const s = bytes.indexOf(OPEN);
  if (s < 0) return crc16(bytes) & (SLOT_COUNT - 1);
  const e = bytes.indexOf(CLOSE, s + 1);
  if (e < 0 || e === s + 1) return crc16(bytes) & (SLOT_COUNT - 1);
  return crc16(bytes, s + 1, e) & (SLOT_COUNT - 1);
}

function isAscii(key: string): boolean {
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) >= 0x80) return false;
  return true;
}

/** keyHashSlot of an ASCII string, whose UTF-8 bytes are its char codes: no encoding. */
function asciiKeyHashSlot(key: string): number {
  let start = 0;
  let end = key.length;
  const s = key.indexOf('{');
  if (s >= 0) {
    const e = key.indexOf('}', s + 1);
    if (e > s + 1) {
      start = s + 1;
      end = e;
    }
  }
  let crc = 0;
  for (let i = start; i < end; i++)
    crc = ((crc << 8) ^ (CRC16_TABLE[((crc >>> 8) ^ key.charCodeAt(i)) & 0xff] as number)) & 0xffff;
  return crc & (SLOT_COUNT - 1);
}

/** Which master owns each slot: owner[slot] indexes masters. */
export interface SlotTable {
  readonly masters: readonly string[];
  readonly owner: Uint16Array;
}

/** An inclusive range of slots, as CLUSTER SLOTS and redis-cli print them. */
export interface SlotRange {
  readonly start: number;
  readonly end: number;
}

/**
 * redis-cli's allocation (clusterManagerCommandCreate): slots_per_node = 16384 / masters in
 * single-precision float, last = lround(cursor + slots_per_node − 1), the final master takes
 * the rest. Math.fround reproduces the float arithmetic.
 */
export function assignSlots(names: readonly string[]): SlotTable {
  const nodes = checkNodes(names);
  checkUnweighted('slots', nodes);
  if (nodes.length > SLOT_COUNT)
    throw new PartitionError(`${nodes.length} masters for ${SLOT_COUNT} slots`);
  const owner = new Uint16Array(SLOT_COUNT);
  const perNode = Math.fround(SLOT_COUNT / nodes.length);
  let first = 0;
  let cursor = 0;
  for (let i = 0; i < nodes.length; i++) {
    let last = roundHalfAway(Math.fround(Math.fround(cursor + perNode) - 1));
    if (last > SLOT_COUNT || i === nodes.length - 1) last = SLOT_COUNT - 1;
    if (last < first) last = first;
    owner.fill(i, first, last + 1);
    first = last + 1;
    cursor = Math.fround(cursor + perNode);
  }
  return { masters: nodes.map((n) => n.name), owner };
}

/** C's lround: halves away from zero (Math.round rounds them up). */
function roundHalfAway(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

/** The slots of master `index`, as inclusive ranges in increasing order. */
export function slotRanges(table: SlotTable, index: number): SlotRange[] {
  return rangesOf(Array.from(slotsOf(table, index)));
}

export function slotsOf(table: SlotTable, index: number): number[] {
  const slots: number[] = [];
  for (let s = 0; s < SLOT_COUNT; s++) if (table.owner[s] === index) slots.push(s);
  return slots;
}

/** Sorted slots → inclusive ranges. */
export function rangesOf(sorted: readonly number[]): SlotRange[] {
  const ranges: SlotRange[] = [];
  for (const s of sorted) {
    const last = ranges[ranges.length - 1];
    if (last !== undefined && last.end === s - 1)
      ranges[ranges.length - 1] = { start: last.start, end: s };
    else ranges.push({ start: s, end: s });
  }
  return ranges;
}

/** A partitioner over a slot table: key → slot → owning master. */
export function slotPartitioner(table: SlotTable): Partitioner {
  const { masters, owner } = table;
  return {
    scheme: 'slots',
    nodes: masters,
    nodeFor: (key: Key) => masters[owner[keyHashSlot(key)] as number] as string,
  };
}
