// The mutual-exclusion check over real processes. Every node appends its outputs to one
// shared file (`cohort node --outputs-file`, O_APPEND, one write per line); the test appends
// a `{"killed":N}` line once node N is dead. A node writes an output only after the step that
// produced it was made durable and BEFORE that step's messages leave, so the file's order
// respects causality: if B entered because A left, A's exit is above B's enter. Two nodes
// inside at once show up as an enter while another node's enter is still open.

import fs from 'node:fs';

interface Line {
  readonly node?: number;
  readonly output?: { readonly type: string };
  readonly killed?: number;
}

export interface MutexLogReport {
  readonly violations: string[];
  /** Critical sections entered, per node. */
  readonly entries: Map<number, number>;
}

export function checkMutexLog(file: string): MutexLogReport {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const violations: string[] = [];
  const entries = new Map<number, number>();
  let inside: number | null = null;
  text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .forEach((raw, index) => {
      const line = JSON.parse(raw) as Line;
      if (line.killed !== undefined) {
        if (inside === line.killed) inside = null; // The crash ended its critical section.
        return;
      }
      const node = line.node as number;
      const type = line.output?.type;
      if (type === 'enter') {
        if (inside !== null && inside !== node) {
          violations.push(
            `line ${index + 1}: node ${node} entered while node ${inside} was inside`,
          );
        }
        inside = node;
        entries.set(node, (entries.get(node) ?? 0) + 1);
      }
      if (type === 'exit' && inside === node) inside = null;
    });
  return { violations, entries };
}

export function appendKilled(file: string, node: number): void {
  fs.appendFileSync(file, `${JSON.stringify({ killed: node })}\n`);
}
