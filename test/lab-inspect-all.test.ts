// Every registered algorithm (the registry `cohort sim list` prints) declares inspector
// fields (web/src/inspect/fields.ts): on a real run of its defaults, replayed by the
// inspector's own probe, every field it declares has a value on some node at some time —
// never undefined or null for every node — and every label (and table column) is named in English
// and in Chinese (web/src/inspect/labels.ts), as is every word among the values it shows (a
// role, a phase, an outcome: web/src/inspect/values.ts) and every badge the stage shows
// (web/src/i18n/badges.ts), on its default run and on each of its named scenarios.

import { describe, expect, it } from 'vitest';
import { findAlgorithm, listedAlgorithms } from '../src/algorithms/registry.js';
import type { AnyAlgorithm } from '../src/core/algorithm.js';
import { defaultNodes } from '../src/sim/run.js';
import { hasBadgeZh } from '../web/src/i18n/badges.js';
import { declaredAlgorithms, inspectorFieldsOf } from '../web/src/inspect/fields.js';
import { hasLabel, labelOf } from '../web/src/inspect/labels.js';
import { untranslatedWords, valueIn } from '../web/src/inspect/values.js';
import { nodesAt, runLab } from '../web/src/run.js';
import { StateProbe } from '../web/src/state-probe.js';

const names = listedAlgorithms().map((a) => a.name);
const SAMPLES = 40;
const CJK = /[\u4e00-\u9fff]/;

describe('inspector fields of every algorithm', () => {
  it('declares fields for every registered algorithm', () => {
    const missing = names.filter((name) => !declaredAlgorithms().includes(name));
    expect(missing).toEqual([]);
  });

  it.each(names)('%s: each field resolves on a run and is named in both languages', (name) => {
    const spec = findAlgorithm(name) as AnyAlgorithm;
    const probe = new StateProbe(spec, {
      algorithm: name,
      nodes: undefined,
      seed: 1,
      faults: '',
      options: {},
    });
    const n = defaultNodes(spec);
    // label -> whether some node at some time gave it a value: undefined or null on every
    // node at every moment would mean the declaration reads a part of the state that is not
    // there (the readers turn a missing part into null).
    const resolved = new Map<string, boolean>();
    let recognised = 0;
    // Moments along the run (forwards, so the probe replays once): a field that matters only
    // at some moments (a grant, a hand-off in flight) is caught at one of them.
    for (let k = 1; k <= SAMPLES; k++) {
      const t = (spec.durationMs * k) / SAMPLES;
      for (let id = 1; id <= n; id++) {
        const node = probe.at(id, t);
        if (node === undefined || !node.up) continue;
        const fields = inspectorFieldsOf(name, node.state);
        if (fields === undefined) continue;
        recognised++;
        for (const f of fields) {
          const ok = f.value !== undefined && f.value !== null && !Number.isNaN(f.value);
          resolved.set(f.label, (resolved.get(f.label) ?? false) || ok);
          if (f.value !== null && typeof f.value === 'object' && f.value.kind === 'table')
            for (const c of f.value.columns) expect(hasLabel(c), `${name} column ${c}`).toBe(true);
        }
      }
    }
    expect(recognised, `${name}: some node's state is recognised`).toBeGreaterThan(0);
    expect(resolved.size).toBeGreaterThan(0);
    for (const [label, ok] of resolved) {
      expect(ok, `${name} field ${label} has a value`).toBe(true);
      expect(hasLabel(label), `${name} label ${label} in both languages`).toBe(true);
      expect(labelOf(label, 'zh'), `${name} ${label}`).not.toBe(labelOf(label, 'en'));
    }
  });

  it.each(names)('%s: every word among its values and badges has Chinese', (name) => {
    const spec = findAlgorithm(name) as AnyAlgorithm;
    const runs = [
      { faults: '', options: {} },
      ...spec.scenarios.map((s) => ({
        faults: s.faults,
        options: s.options ?? {},
        ...(s.nodes !== undefined && { nodes: s.nodes }),
        ...(s.durationMs !== undefined && { durationMs: s.durationMs }),
      })),
    ];
    const english = new Set<string>();
    const check = (v: unknown, where: string) => {
      if (typeof v !== 'string') return;
      for (const w of untranslatedWords(v)) english.add(`${where}: ${w}`);
      // A role or phase shown alone reads in Chinese, not as its English key.
      if (/^[a-z][a-z-]+$/i.test(v)) expect(valueIn(v, 'zh'), `${where}: ${v}`).toMatch(CJK);
    };
    for (const r of runs) {
      const input = { algorithm: name, nodes: undefined, seed: 1, ...r };
      const run = runLab(input);
      // Badges at 200 of the run's event times (each reading replays the trace from 0).
      const times = [...new Set(run.records.map((x) => x.t))];
      const stride = Math.max(1, Math.floor(times.length / 200));
      for (let i = 0; i < times.length; i += stride)
        for (const v of nodesAt(run, times[i] ?? 0))
          if (!hasBadgeZh(v.badge)) english.add(`badge: ${v.badge}`);
      const probe = new StateProbe(spec, input);
      for (let k = 0; k <= 6; k++) {
        const t = (run.endMs * k) / 6;
        for (let id = 1; id <= run.nodes; id++) {
          const node = probe.at(id, t);
          if (node === undefined || !node.up) continue;
          for (const f of inspectorFieldsOf(name, node.state) ?? []) {
            check(f.value, f.label);
            if (f.value !== null && typeof f.value === 'object' && f.value.kind === 'table')
              for (const row of f.value.rows) for (const x of row) check(x, f.label);
          }
        }
      }
    }
    expect([...english]).toEqual([]);
  });
});
