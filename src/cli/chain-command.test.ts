import { describe, expect, it } from 'vitest';
import { verifyHeader } from './chain-command.js';
import { UsageError } from './usage-error.js';

const GENESIS =
  '0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd' +
  '7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c';
// Block 1, assembled from its published fields (see chain/pow/header.test.ts).
const BLOCK1 =
  '010000006fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000982051fd' +
  '1e4ba744bbbe680e1fee14677ba1a3c3540bf7b1cdb606e857233e0e61bc6649ffff001d01e36299';

describe('cohort chain verify-header', () => {
  it('verifies the genesis header and block 1', () => {
    expect(verifyHeader(GENESIS)).toMatchObject({
      hash: '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f',
      target: '00000000ffff0000000000000000000000000000000000000000000000000000',
      valid: true,
    });
    expect(verifyHeader(BLOCK1)).toMatchObject({
      hash: '00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048',
      prevHash: '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f',
      valid: true,
    });
  });

  it('reports a changed nonce as invalid', () => {
    const v = verifyHeader(`${GENESIS.slice(0, -2)}7d`);
    expect(v.valid).toBe(false);
    expect(v.reason).toBe('hash above target');
  });

  it('reports bits above the network limit as invalid', () => {
    const easy = `${GENESIS.slice(0, 144)}ffff7f20${GENESIS.slice(152)}`;
    expect(verifyHeader(easy)).toMatchObject({ bits: '207fffff', target: null, valid: false });
    expect(verifyHeader(easy, 0x207fffff).target).not.toBeNull();
  });

  it('refuses input that is not a header', () => {
    expect(() => verifyHeader('abc')).toThrow(UsageError);
    expect(() => verifyHeader(`zz${GENESIS.slice(2)}`)).toThrow(/not hexadecimal/);
  });
});
