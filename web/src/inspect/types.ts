// The shape of inspector fields (see fields.ts): a label and a value — a scalar, a log drawn
// as a grid of entries (committed against uncommitted), or a small table.

/** One entry of a replicated log, as a cell of the log grid. */
export interface LogCell {
  readonly index: number;
  readonly term: number;
  readonly committed: boolean;
  /** What the entry holds, in a few words (its tooltip and accessible name). */
  readonly what: string;
}

export type FieldValue =
  | string
  | number
  | boolean
  | null
  | { readonly kind: 'log'; readonly cells: readonly LogCell[]; readonly before: number }
  | {
      readonly kind: 'table';
      readonly columns: readonly string[];
      readonly rows: readonly (readonly (string | number)[])[];
    };

export interface InspectorField {
  readonly label: string;
  readonly value: FieldValue;
}

/** The fields of one node's state, or undefined when the state is not one it knows. */
export type InspectorFields = (state: unknown) => readonly InspectorField[] | undefined;

/** One block of a node's block tree (inspect/chain.ts). */
export interface TreeBlock {
  readonly hash: string;
  readonly parent: string;
  readonly height: number;
  /** The node that mined, minted or produced it (0: genesis). */
  readonly by: number;
  /** On the chain from the node's tip back to genesis: the one its fork choice follows. */
  readonly best: boolean;
}

/** The newest heights of a node's block tree, the tip marked; older blocks counted. */
export interface BlockTreeView {
  readonly blocks: readonly TreeBlock[];
  readonly tip: string;
  /** Blocks below the drawn heights. */
  readonly below: number;
}

/** A role mark drawn beside a node on the stage. */
export type NodeMark = 'token' | 'coordinator' | 'holder';

/**
 * What the stage draws of one node's state (drawings/): declared per algorithm beside its
 * inspector fields, read from the same replayed state. Every part is optional.
 */
export interface NodeDrawing {
  /** A few characters inside the node under its id (Raft's term "T2", a Lamport clock). */
  readonly inside?: { readonly text: string; readonly label: string };
  /** A short line beside the node (a vector clock, an acceptor's ballot and value). */
  readonly caption?: { readonly text: string; readonly label: string };
  readonly marks?: readonly NodeMark[];
  /** Drawn as a client (a square), not a server. */
  readonly client?: boolean;
  /** The replicated log, drawn as a row of cells. */
  readonly log?: { readonly cells: readonly LogCell[]; readonly before: number };
  /** Maekawa: the node's quorum (voting set), drawn as a grid when the node is inspected. */
  readonly quorum?: readonly number[];
  /** Maekawa: the quorum members whose vote the node holds (drawn on its quorum grid). */
  readonly votes?: readonly number[];
  /** The chains: the node's block tree, drawn in its inspector. */
  readonly blockTree?: BlockTreeView;
}

/** The drawing of one node's state, or undefined when the state is not one it knows. */
export type NodeDrawings = (state: unknown) => NodeDrawing | undefined;
