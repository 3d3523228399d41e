// The Lab's partitioning view, computed: every scheme on the same synthetic keys and nodes
// — load per node, and the keys one added or removed node moves — by the library itself
// (src/cluster/partition's analysePartitioning), with the schemes, labels and order of
// `cohort partition compare`, so the page shows that command's figures for the same inputs
// (test/lab-partition.test.ts runs both). MD5 and SHA-1 run in the browser through the
// node:crypto shim (@noble's implementations); slots hash with CRC16 in plain TypeScript.
// The inputs live in the URL as p.* parameters beside view=partition.
//
// Fault model: the URL is untrusted — out-of-range numbers fall back to the defaults and
// weights are checked by the library (a PartitionError becomes the view's error line).

import {
  analysePartitioning,
  type Change,
  DEFAULT_HASH,
  DEFAULT_VNODES,
  HASH_NAMES,
  type HashName,
  MAX_VNODES,
  type NodeSet,
  PartitionError,
  type PartitionReport,
  type Scheme,
} from '../../src/cluster/partition/index.js';

export const MAX_LAB_NODES = 32;
/** The key counts offered: 100,000 (the CLI's default) takes seconds of MD5 in a browser. */
export const KEY_COUNTS = [1_000, 10_000, 100_000] as const;

export interface PartitionInput {
  /** Nodes n1 … nN. */
  readonly nodes: number;
  /** One per node, or undefined (all 1): only ring, ketama and rendezvous take weights. */
  readonly weights: readonly number[] | undefined;
  readonly vnodes: number;
  readonly keys: number;
  readonly hash: HashName;
  /** Add n(N+1), or remove node `remove` (1-based). */
  readonly change: 'add' | 'remove';
  readonly remove: number;
}

export const DEFAULT_INPUT: PartitionInput = {
  nodes: 5,
  weights: undefined,
  vnodes: DEFAULT_VNODES,
  keys: 10_000,
  hash: DEFAULT_HASH,
  change: 'add',
  remove: 1,
};

/** As the CLI prints a fraction (commands-partition.ts). */
export const percent = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`;

export const nodeNames = (n: number) => Array.from({ length: n }, (_, i) => `n${i + 1}`);

export function changeOf(input: PartitionInput): Change {
  return input.change === 'add'
    ? { add: `n${input.nodes + 1}` }
    : { remove: `n${Math.min(input.remove, input.nodes)}` };
}

export interface SchemeRow {
  /** `cohort partition compare`'s label for the row. */
  readonly label: string;
  readonly scheme: Scheme;
  /** ring only: points per node of weight 1. */
  readonly vnodes?: number;
  readonly report: PartitionReport;
}

/** compare's rows: the ring twice (one point per node, and the chosen vnodes). */
function configs(vnodes: number) {
  return [
    { label: 'modn', scheme: 'modn' as const },
    { label: 'ring, 1 vnode', scheme: 'ring' as const, vnodes: 1 },
    { label: `ring, ${vnodes} vnodes`, scheme: 'ring' as const, vnodes },
    { label: 'ketama', scheme: 'ketama' as const },
    { label: 'jump', scheme: 'jump' as const },
    { label: 'rendezvous', scheme: 'rendezvous' as const },
    { label: 'slots', scheme: 'slots' as const },
  ];
}

/** Every scheme's report, or the library's complaint about the inputs. */
export function compareSchemes(input: PartitionInput): SchemeRow[] | PartitionError {
  const set: NodeSet = {
    names: nodeNames(input.nodes),
    ...(input.weights !== undefined ? { weights: input.weights } : {}),
  };
  const weighted = input.weights !== undefined;
  try {
    return configs(input.vnodes)
      .filter((c) => !weighted || ['ring', 'ketama', 'rendezvous'].includes(c.scheme))
      .map((c) => ({
        ...c,
        report: analysePartitioning(
          { scheme: c.scheme, hash: input.hash, ...(c.vnodes ? { vnodes: c.vnodes } : {}) },
          set,
          input.keys,
          changeOf(input),
        ),
      }));
  } catch (error) {
    if (error instanceof PartitionError) return error;
    throw error;
  }
}

/** The command that prints the same table. */
export function compareArgv(input: PartitionInput): string[] {
  const c = changeOf(input);
  return [
    'partition',
    'compare',
    '--nodes',
    nodeNames(input.nodes).join(','),
    ...(input.weights !== undefined ? ['--weights', input.weights.join(',')] : []),
    '--vnodes',
    String(input.vnodes),
    '--hash',
    input.hash,
    '--keys',
    String(input.keys),
    ...('add' in c ? ['--add', c.add] : ['--remove', c.remove]),
  ];
}

const intIn = (raw: string | null, lo: number, hi: number, fallback: number) => {
  const n = Number(raw ?? Number.NaN);
  return Number.isInteger(n) && n >= lo && n <= hi ? n : fallback;
};

/** Weights as typed ("1,2,1"): numbers, or the text itself when it is not a list of them. */
export function parseWeights(text: string): readonly number[] | undefined | string {
  const t = text.trim();
  if (t === '') return undefined;
  const parts = t.split(',').map((w) => w.trim());
  if (parts.some((w) => !/^\d+(\.\d+)?$/.test(w))) return t;
  return parts.map(Number);
}

/** The inputs from the URL's p.* parameters (a bad one is its default). */
export function readPartitionInput(search: string): PartitionInput {
  const q = new URLSearchParams(search);
  const d = DEFAULT_INPUT;
  const nodes = intIn(q.get('p.nodes'), 1, MAX_LAB_NODES, d.nodes);
  const weights = parseWeights(q.get('p.weights') ?? '');
  const hash = q.get('p.hash') as HashName | null;
  const keys = Number(q.get('p.keys'));
  return {
    nodes,
    weights: typeof weights === 'string' ? undefined : weights,
    vnodes: intIn(q.get('p.vnodes'), 1, MAX_VNODES, d.vnodes),
    keys: (KEY_COUNTS as readonly number[]).includes(keys) ? keys : d.keys,
    hash: hash !== null && HASH_NAMES.includes(hash) ? hash : d.hash,
    change: q.get('p.change') === 'remove' ? 'remove' : 'add',
    remove: intIn(q.get('p.remove'), 1, MAX_LAB_NODES, d.remove),
  };
}

/** Puts the inputs in the URL (defaults left out), keeping everything else there. */
export function writePartitionInput(input: PartitionInput): void {
  const q = new URLSearchParams(location.search);
  const d = DEFAULT_INPUT;
  const put = (key: string, value: string, fallback: string) => {
    if (value === fallback) q.delete(`p.${key}`);
    else q.set(`p.${key}`, value);
  };
  put('nodes', String(input.nodes), String(d.nodes));
  put('weights', input.weights?.join(',') ?? '', '');
  put('vnodes', String(input.vnodes), String(d.vnodes));
  put('keys', String(input.keys), String(d.keys));
  put('hash', input.hash, d.hash);
  put('change', input.change, d.change);
  put('remove', String(input.remove), String(d.remove));
  history.replaceState(null, '', `?${q.toString()}${location.hash}`);
}
