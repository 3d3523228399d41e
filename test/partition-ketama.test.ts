// Issue 19: Cohort's ketama mode maps keys exactly as the memcached clients that use ketama.
// Two real implementations are the references: libmemcached (Debian's libmemcached-dev; a
// tiny C program built here with cc asks memcached_generate_hash for each key's server, with
// MEMCACHED_BEHAVIOR_KETAMA_WEIGHTED — no memcached server is needed) and the npm `hashring`
// package (libketama's layout). Thousands of keys, weighted servers, UTF-8 keys included.
//
// A missing libmemcached-dev or cc is a failure, never a skip: scripts/bootstrap.mjs installs
// them for the suite.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import HashRing from 'hashring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type KetamaVariant,
  ketamaDigests,
  ketamaPartitioner,
} from '../src/cluster/partition/index.js';

const PROGRAM = `
#include <libmemcached/memcached.h>
#include <stdio.h>
#include <string.h>
/* argv: host:port:weight…; stdin: one key a line; stdout: the server index of each key. */
int main(int argc, char **argv) {
  memcached_st *m = memcached_create(NULL);
  if (m == NULL) return 4;
  memcached_behavior_set(m, MEMCACHED_BEHAVIOR_KETAMA_WEIGHTED, 1);
  for (int i = 1; i < argc; i++) {
    char host[256];
    unsigned port, weight;
    if (sscanf(argv[i], "%255[^:]:%u:%u", host, &port, &weight) != 3) return 2;
    if (memcached_server_add_with_weight(m, host, port, weight) != MEMCACHED_SUCCESS) return 3;
  }
  static char line[1 << 16];
  while (fgets(line, sizeof line, stdin)) {
    size_t n = strlen(line);
    if (n > 0 && line[n - 1] == '\\n') line[--n] = 0;
    printf("%u\\n", memcached_generate_hash(m, line, n));
  }
  memcached_free(m);
  return 0;
}
`;

let dir = '';
let program = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cohort-ketama-'));
  writeFileSync(join(dir, 'ketama.c'), PROGRAM);
  program = join(dir, 'ketama');
  try {
    execFileSync('cc', ['-O2', '-o', program, join(dir, 'ketama.c'), '-lmemcached'], {
      stdio: 'pipe',
    });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? error);
    throw new Error(
      `cannot build against libmemcached (apt-get install libmemcached-dev gcc): ${stderr}`,
    );
  }
});

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

/** Deterministic keys: ASCII of varied length, some with UTF-8 (no newlines). */
function makeKeys(count: number, seed: number): string[] {
  let x = seed >>> 0;
  const next = () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x;
  };
  return Array.from({ length: count }, (_, i) => {
    const length = 1 + (next() % 40);
    let key = i % 10 === 0 ? `ключ-${i}-` : `user:${i}:`;
    while (key.length < length) key += String.fromCharCode(0x21 + (next() % 94));
    return key;
  });
}

interface Server {
  readonly host: string;
  readonly port: number;
  readonly weight: number;
}

const name = (s: Server) => `${s.host}:${s.port}`;

function libmemcached(servers: readonly Server[], keys: readonly string[]): number[] {
  const args = servers.map((s) => `${s.host}:${s.port}:${s.weight}`);
  const out = execFileSync(program, args, { input: `${keys.join('\n')}\n` }).toString();
  return out.trim().split('\n').map(Number);
}

function cohort(servers: readonly Server[], keys: readonly string[], variant: KetamaVariant) {
  const ring = ketamaPartitioner(servers.map(name), {
    weights: servers.map((s) => s.weight),
    variant,
  });
  const index = new Map(ring.nodes.map((n, i) => [n, i]));
  return keys.map((k) => index.get(ring.nodeFor(k)) as number);
}

function servers(weights: readonly number[], port = (i: number) => 11300 + i): Server[] {
  return weights.map((weight, i) => ({ host: `10.0.${i >> 8}.${i & 255}`, port: port(i), weight }));
}

const CONFIGS: Record<string, Server[]> = {
  'three equal servers': servers([1, 1, 1]),
  'seven equal servers': servers([1, 1, 1, 1, 1, 1, 1]),
  'weights 6,4,3,3,9 (the variants differ)': servers([6, 4, 3, 3, 9]),
  'weights 1..12': servers(Array.from({ length: 12 }, (_, i) => i + 1)),
  '40 servers, weights 100..400': servers(
    Array.from({ length: 40 }, (_, i) => 100 + ((i * 37) % 301)),
  ),
  'default port 11211 on some': servers([1, 2, 1, 3], (i) => (i % 2 === 0 ? 11211 : 11400 + i)),
};

describe('ketama mode = libmemcached (memcached_generate_hash, KETAMA_WEIGHTED)', () => {
  it.each(Object.entries(CONFIGS))('%s: every key on the same server', (_, config) => {
    const keys = makeKeys(5000, config.length);
    expect(cohort(config, keys, 'libmemcached')).toEqual(libmemcached(config, keys));
  });

  it('the libketama variant differs from libmemcached where their digest counts do', () => {
    const config = CONFIGS['weights 6,4,3,3,9 (the variants differ)'] as Server[];
    expect(ketamaDigests(6, 25, 5, 'libketama')).toBe(48);
    expect(ketamaDigests(6, 25, 5, 'libmemcached')).toBe(47);
    const keys = makeKeys(5000, 99);
    const real = libmemcached(config, keys);
    const ketama = cohort(config, keys, 'libketama');
    expect(ketama).not.toEqual(real);
    // Only the few arcs of the extra digests differ.
    const differ = ketama.filter((s, i) => s !== real[i]).length;
    expect(differ).toBeGreaterThan(0);
    expect(differ).toBeLessThan(keys.length / 20);
  });
});

describe('ketama mode = hashring (libketama layout)', () => {
  /** hashring counts digests in double precision: floor(w/W · 40 · N). */
  const hashringDigests = (w: number, total: number, n: number) => Math.floor((w / total) * 40 * n);

  it.each(
    Object.entries(CONFIGS).filter(([, config]) => {
      const total = config.reduce((a, s) => a + s.weight, 0);
      return config.every(
        (s) =>
          hashringDigests(s.weight, total, config.length) ===
          ketamaDigests(s.weight, total, config.length, 'libketama'),
      );
    }),
  )('%s: every key on the same server', (_, config) => {
    const ring = new HashRing(
      Object.fromEntries(config.map((s) => [name(s), { weight: s.weight }])),
      'md5',
      { 'max cache size': 1 },
    );
    const keys = makeKeys(5000, 7 + config.length);
    const cohortRing = ketamaPartitioner(config.map(name), {
      weights: config.map((s) => s.weight),
    });
    expect(keys.map((k) => cohortRing.nodeFor(k))).toEqual(keys.map((k) => ring.get(k)));
  });

  it('hashring rounds in double precision: 7 equal servers get 39 digests there, 40 in libketama', () => {
    const config = CONFIGS['seven equal servers'] as Server[];
    expect(hashringDigests(1, 7, 7)).toBe(39);
    expect(ketamaDigests(1, 7, 7, 'libketama')).toBe(40);
    expect(ketamaDigests(1, 7, 7, 'libmemcached')).toBe(40);
    const ring = new HashRing(config.map(name), 'md5');
    expect((ring as unknown as { ring: unknown[] }).ring.length).toBe(7 * 39 * 4);
    expect(ketamaPartitioner(config.map(name)).points.length).toBe(7 * 40 * 4);
  });
});
