// Message colours: one per message type, in the order the run's counts list the types. The
// registry's algorithms send up to 13 types in a default run (consensus/zab; Raft 11), so
// ten colours repeated: 18 hand-picked ones, distinct and dark enough to see on white, come
// first, and any type beyond them gets a hue of its own (golden-angle steps round the
// colour wheel), so no two types of a run share a colour however many there are.

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
  '#393b79',
  '#637939',
  '#8c6d31',
  '#843c39',
  '#7b4173',
  '#f0027f',
  '#1b9e77',
  '#b15928',
];

/** The colour of the i-th type: the palette, then golden-angle hues at alternating depth. */
export function colourAt(i: number): string {
  const listed = PALETTE[i];
  if (listed !== undefined) return listed;
  const k = i - PALETTE.length;
  const hue = (15 + k * 137.508) % 360;
  return `hsl(${hue.toFixed(1)} 70% ${k % 2 === 0 ? 38 : 28}%)`;
}

export function colourOf(type: string, types: readonly string[]): string {
  return colourAt(Math.max(0, types.indexOf(type)));
}
