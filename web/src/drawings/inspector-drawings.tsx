/** @jsxImportSource preact */
// The pictures an inspected node's drawing declares beyond the stage (inspect/drawings.ts):
// Maekawa's quorum grid and a chain node's block tree, under its fields.

import { nodeDrawingOf } from '../inspect/drawings.js';
import { BlockTree } from './block-tree.js';
import { QuorumGrid } from './quorum-grid.js';

export function InspectorDrawings(props: {
  algorithm: string;
  state: unknown;
  id: number;
  n: number;
}) {
  const d = nodeDrawingOf(props.algorithm, props.state);
  if (d === undefined) return null;
  return (
    <>
      {d.quorum !== undefined && (
        <QuorumGrid n={props.n} id={props.id} quorum={d.quorum} votes={d.votes ?? []} />
      )}
      {d.blockTree !== undefined && <BlockTree tree={d.blockTree} id={props.id} />}
    </>
  );
}
