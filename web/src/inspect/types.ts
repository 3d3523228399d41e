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
