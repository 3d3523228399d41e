// Message colours: one per message type, in the order the run's counts list the types.

const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#bcbd22',
  '#7f7f7f',
];

export function colourOf(type: string, types: readonly string[]): string {
  return PALETTE[Math.max(0, types.indexOf(type)) % PALETTE.length] as string;
}
