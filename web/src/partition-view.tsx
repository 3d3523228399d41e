/** @jsxImportSource preact */
// The Lab's partitioning view (issue 19; the header's "Partitioning", view=partition): pick
// the nodes (how many, optional weights), the virtual nodes, the key count, the hash and a
// change (add a node, or remove one), and see every scheme side by side — keys per node as
// bars, max/mean and stddev/mean, and the keys the change moved against the expected and
// least possible fractions. The numbers come from partition-compare.ts (the library, as
// `cohort partition compare` runs it); the inputs stay in the URL (p.*).
//
// Fault model: inputs are the user's and the URL's; the library's complaints (weights that
// do not fit the nodes, removing the only node) are shown in place of the plots.

import { useEffect, useState } from 'preact/hooks';
import { HASH_NAMES, type HashName, MAX_VNODES } from '../../src/cluster/partition/index.js';
import { useT } from './i18n.js';
import {
  changeOf,
  compareArgv,
  compareSchemes,
  KEY_COUNTS,
  MAX_LAB_NODES,
  nodeNames,
  type PartitionInput,
  parseWeights,
  readPartitionInput,
  type SchemeRow,
  writePartitionInput,
} from './partition-compare.js';
import { SchemeCard } from './partition-plot.js';

type Result = { input: PartitionInput; rows: SchemeRow[] | Error };

/** The analysis, off the input's event: a large key count paints "computing" first. */
function useComparison(input: PartitionInput): Result | null {
  const [result, setResult] = useState<Result | null>(null);
  useEffect(() => {
    const id = setTimeout(() => setResult({ input, rows: compareSchemes(input) }), 0);
    return () => clearTimeout(id);
  }, [input]);
  return result;
}

const intOr = (raw: string, lo: number, hi: number, fallback: number) => {
  const n = Number(raw);
  return Number.isInteger(n) && n >= lo && n <= hi ? n : fallback;
};

function Inputs(props: {
  input: PartitionInput;
  set: (next: Partial<PartitionInput>) => void;
  weightsText: string;
  setWeightsText: (text: string) => void;
}) {
  const { input, set } = props;
  const tr = useT();
  return (
    <form class="controls p-controls" onSubmit={(e) => e.preventDefault()}>
      <label>
        {tr('pNodes')}
        <input
          type="number"
          name="p-nodes"
          min={1}
          max={MAX_LAB_NODES}
          value={input.nodes}
          onInput={(e) =>
            set({ nodes: intOr(e.currentTarget.value, 1, MAX_LAB_NODES, input.nodes) })
          }
        />
      </label>
      <label>
        {tr('pWeights')}
        <input
          type="text"
          name="p-weights"
          value={props.weightsText}
          onInput={(e) => props.setWeightsText(e.currentTarget.value)}
        />
      </label>
      <label>
        {tr('pVnodes')}
        <input
          type="number"
          name="p-vnodes"
          min={1}
          max={MAX_VNODES}
          value={input.vnodes}
          onChange={(e) =>
            set({ vnodes: intOr(e.currentTarget.value, 1, MAX_VNODES, input.vnodes) })
          }
        />
      </label>
      <label>
        {tr('pKeys')}
        <select
          name="p-keys"
          value={input.keys}
          onChange={(e) => set({ keys: Number(e.currentTarget.value) })}
        >
          {KEY_COUNTS.map((k) => (
            <option key={k} value={k}>
              {k.toLocaleString('en')}
            </option>
          ))}
        </select>
      </label>
      <label>
        {tr('pHash')}
        <select
          name="p-hash"
          value={input.hash}
          onChange={(e) => set({ hash: e.currentTarget.value as HashName })}
        >
          {HASH_NAMES.map((h) => (
            <option key={h} value={h}>
              {h}
            </option>
          ))}
        </select>
      </label>
      <label>
        {tr('pChange')}
        <select
          name="p-change"
          value={input.change === 'add' ? 'add' : `remove:${input.remove}`}
          onChange={(e) => {
            const v = e.currentTarget.value;
            if (v === 'add') set({ change: 'add' });
            else set({ change: 'remove', remove: Number(v.slice('remove:'.length)) });
          }}
        >
          <option value="add">
            {tr('pAdd')} (n{input.nodes + 1})
          </option>
          {nodeNames(input.nodes).map((name, i) => (
            <option key={name} value={`remove:${i + 1}`}>
              {tr('pRemove')} {name}
            </option>
          ))}
        </select>
      </label>
    </form>
  );
}

function Results(props: { result: Result }) {
  const tr = useT();
  const { input, rows } = props.result;
  if (rows instanceof Error)
    return (
      <p class="error" role="alert" data-partition-error>
        {rows.message}
      </p>
    );
  const c = changeOf(input);
  const changeText = 'add' in c ? `+${c.add}` : `−${c.remove}`;
  // One vertical scale for every plot, so the schemes' balance compares by eye.
  const yMax = Math.max(...rows.flatMap((r) => r.report.before.perNode.map((l) => l.keys)));
  return (
    <div class="p-grid">
      {rows.map((row) => (
        <SchemeCard key={row.label} row={row} yMax={yMax} tr={tr} changeText={changeText} />
      ))}
    </div>
  );
}

export function PartitionView() {
  const tr = useT();
  const [input, setInput] = useState<PartitionInput>(() => readPartitionInput(location.search));
  const [weightsText, setWeightsText] = useState(input.weights?.join(',') ?? '');
  const weights = parseWeights(weightsText);
  const set = (next: Partial<PartitionInput>) => setInput((now) => ({ ...now, ...next }));
  /** Weights apply once they read as a list of numbers; until then the text is flagged. */
  const typeWeights = (text: string) => {
    setWeightsText(text);
    const parsed = parseWeights(text);
    if (typeof parsed !== 'string') set({ weights: parsed });
  };
  useEffect(() => writePartitionInput(input), [input]);
  const result = useComparison(input);
  const current = result !== null && result.input === input;
  return (
    <section class="partition" aria-labelledby="partition-title">
      <h2 id="partition-title">{tr('pTitle')}</h2>
      <p class="p-intro">
        {tr('pIntro')} <code data-command>cohort {compareArgv(input).join(' ')}</code>
      </p>
      <Inputs input={input} set={set} weightsText={weightsText} setWeightsText={typeWeights} />
      {typeof weights === 'string' && (
        <p class="error" role="alert">
          {tr('pWeights')}: '{weights}'
        </p>
      )}
      {input.weights !== undefined && <p class="hint">{tr('pWeightedNote')}</p>}
      <div class={current ? 'p-results' : 'p-results stale'} aria-busy={!current}>
        {result !== null && <Results result={result} />}
      </div>
    </section>
  );
}
