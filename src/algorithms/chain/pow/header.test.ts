// Against the real Bitcoin chain: published block hashes, the genesis coinbase, and the
// first mainnet retarget (block 32256: bits 0x1d00ffff → 0x1d00d86a).

import { describe, expect, it } from 'vitest';
import {
  checkProofOfWork,
  decodeCompact,
  encodeCompact,
  MAINNET_POW_LIMIT,
  workOf,
} from './compact.js';
import { displayHex, headerHash, headerHex, parseHeaderHex, sha256d } from './header.js';
import { merkleRootOf, merkleRootOfTxs } from './merkle.js';
import { MAINNET_RETARGET, retargetBits } from './retarget.js';

const GENESIS_HEX =
  '0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd' +
  '7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c';
const GENESIS_HASH = '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f';
const BLOCK1_HASH = '00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048';
const BLOCK2_HASH = '000000006a625f06636b8bb6ac7b960a8d03705d1ace08b1a19da3fdcc99ddbd';
/** The genesis block's only transaction (the "Chancellor on brink" coinbase). */
const GENESIS_COINBASE =
  '01000000010000000000000000000000000000000000000000000000000000000000000000ffffff' +
  'ff4d04ffff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c' +
  '6f72206f6e206272696e6b206f66207365636f6e64206261696c6f757420666f722062616e6b73ff' +
  'ffffff0100f2052a01000000434104678afdb0fe5548271967f1a67130b7105cd6a828e03909a679' +
  '62e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac' +
  '00000000';

describe('Bitcoin block headers', () => {
  it('parses, hashes and verifies the genesis header', () => {
    const parsed = parseHeaderHex(GENESIS_HEX);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.header).toEqual({
      version: 1,
      prevHash: '0'.repeat(64),
      merkleRoot: '4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b',
      time: 1231006505,
      bits: 0x1d00ffff,
      nonce: 2083236893,
    });
    expect(headerHash(parsed.header)).toBe(GENESIS_HASH);
    expect(headerHex(parsed.header)).toBe(GENESIS_HEX);
    expect(checkProofOfWork(GENESIS_HASH, 0x1d00ffff, MAINNET_POW_LIMIT)).toBe(true);
  });

  it('rebuilds blocks 1 and 2 from their published fields and gets their hashes', () => {
    const b1 = {
      version: 1,
      prevHash: GENESIS_HASH,
      merkleRoot: '0e3e2357e806b6cdb1f70b54c3a3a17b6714ee1f0e68bebb44a74b1efd512098',
      time: 1231469665,
      bits: 0x1d00ffff,
      nonce: 2573394689,
    };
    const b2 = {
      version: 1,
      prevHash: BLOCK1_HASH,
      merkleRoot: '9b0fc92260312ce44e74ef369f5c66bbb85848f2eddd5a7a1cde251e54ccfdd5',
      time: 1231469744,
      bits: 0x1d00ffff,
      nonce: 1639830024,
    };
    expect(headerHash(b1)).toBe(BLOCK1_HASH);
    expect(headerHash(b2)).toBe(BLOCK2_HASH);
    for (const h of [b1, b2])
      expect(checkProofOfWork(headerHash(h), h.bits, MAINNET_POW_LIMIT)).toBe(true);
    // One nonce off: the work is gone.
    const tampered = headerHash({ ...b1, nonce: b1.nonce + 1 });
    expect(checkProofOfWork(tampered, b1.bits, MAINNET_POW_LIMIT)).toBe(false);
  });

  it("hashes the genesis coinbase to the genesis header's Merkle root", () => {
    const txid = sha256d(Buffer.from(GENESIS_COINBASE, 'hex'));
    expect(displayHex(txid)).toBe(
      '4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b',
    );
    expect(merkleRootOf([txid])).toBe(displayHex(txid));
  });

  it('builds Merkle roots pairwise, duplicating the last of an odd level', () => {
    const [a, b, c] = ['a', 'b', 'c'].map((t) => sha256d(Buffer.from(t, 'utf8'))) as [
      Uint8Array,
      Uint8Array,
      Uint8Array,
    ];
    const ab = sha256d(Buffer.concat([a, b]));
    const cc = sha256d(Buffer.concat([c, c]));
    expect(merkleRootOfTxs(['a', 'b', 'c'])).toBe(displayHex(sha256d(Buffer.concat([ab, cc]))));
  });

  it('rejects malformed headers without throwing', () => {
    expect(parseHeaderHex('abc')).toMatchObject({ ok: false });
    expect(parseHeaderHex(`zz${GENESIS_HEX.slice(2)}`)).toMatchObject({ ok: false });
  });
});

describe('compact targets (arith_uint256 SetCompact/GetCompact)', () => {
  // Bitcoin Core's arith_uint256_tests.cpp cases.
  it.each([
    [0x00123456, 0n, false, false],
    [0x01003456, 0n, false, false],
    [0x01123456, 0x12n, false, false],
    [0x02008000, 0x80n, false, false],
    [0x05009234, 0x92340000n, false, false],
    [0x04923456, 0x12345600n, true, false],
    [0x04123456, 0x12345600n, false, false],
    [0xff123456, 0x123456n << BigInt(8 * (0xff - 3)), false, true],
  ])('decodes %s', (bits, target, negative, overflow) => {
    expect(decodeCompact(bits)).toEqual({ target, negative, overflow });
  });

  it.each([0x1d00ffff, 0x1b0404cb, 0x207fffff, 0x1d00d86a, 0x05009234, 0x04123456])(
    'round-trips %s',
    (bits) => {
      expect(encodeCompact(decodeCompact(bits).target)).toBe(bits);
    },
  );

  it('encodes a mantissa with its top bit set one byte longer (0x80 → 0x02008000)', () => {
    expect(encodeCompact(0x80n)).toBe(0x02008000);
  });

  it('counts 2^32 expected hashes (plus change) at difficulty 1', () => {
    expect(workOf(0x1d00ffff)).toBe(0x100010001n);
  });
});

describe('retargeting (pow.cpp CalculateNextWorkRequired)', () => {
  it('reproduces the first mainnet retarget at block 32256', () => {
    // Blocks 30240 and 32255 were stamped 1261130161 and 1262152739.
    expect(retargetBits(MAINNET_RETARGET, 0x1d00ffff, 1262152739 - 1261130161)).toBe(0x1d00d86a);
  });

  it('clamps the adjustment to ×4 and ÷4 and never goes above the limit', () => {
    const expected = MAINNET_RETARGET.interval * MAINNET_RETARGET.spacing;
    const bits = 0x1b0404cb;
    const quarter = retargetBits(MAINNET_RETARGET, bits, 1);
    expect(decodeCompact(quarter).target).toBe(
      decodeCompact(encodeCompact(decodeCompact(bits).target / 4n)).target,
    );
    expect(retargetBits(MAINNET_RETARGET, 0x1d00ffff, expected * 100)).toBe(0x1d00ffff);
  });
});
