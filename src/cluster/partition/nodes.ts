// The node list every partitioner is built from, validated once: names are non-empty and
// distinct, weights (where a scheme takes them) are positive finite numbers. Callers pass
// untrusted input (a command line, a config file), so every problem is a PartitionError
// naming it, never an assertion.
//
// Fault model: any input; the result is a frozen, checked copy.

export class PartitionError extends Error {
  override readonly name = 'PartitionError';
}

export interface WeightedNode {
  readonly name: string;
  readonly weight: number;
}

/** The most nodes a partitioner accepts (Redis Cluster allows ~1,000 masters; room above). */
export const MAX_NODES = 10_000;

export function checkNodes(
  names: readonly string[],
  weights?: readonly number[],
): readonly WeightedNode[] {
  if (names.length === 0) throw new PartitionError('the node list is empty');
  if (names.length > MAX_NODES)
    throw new PartitionError(`${names.length} nodes: at most ${MAX_NODES}`);
  if (weights !== undefined && weights.length !== names.length)
    throw new PartitionError(`${weights.length} weights for ${names.length} nodes`);
  const seen = new Set<string>();
  const nodes = names.map((name, i) => {
    if (typeof name !== 'string' || name.length === 0)
      throw new PartitionError(`node ${i + 1} has an empty name`);
    if (seen.has(name)) throw new PartitionError(`node '${name}' appears twice`);
    seen.add(name);
    const weight = weights?.[i] ?? 1;
    if (!Number.isFinite(weight) || weight <= 0)
      throw new PartitionError(`node '${name}' has weight ${weight}: weights must be > 0`);
    return Object.freeze({ name, weight });
  });
  return Object.freeze(nodes);
}

/** Schemes without weights refuse them rather than silently ignore them. */
export function checkUnweighted(scheme: string, nodes: readonly WeightedNode[]): void {
  const weighted = nodes.find((n) => n.weight !== 1);
  if (weighted !== undefined)
    throw new PartitionError(`${scheme} takes no weights (node '${weighted.name}' has one)`);
}
