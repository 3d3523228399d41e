// PBFT's checks over the correct replicas (Castro and Liskov 1999, §4.5.1): agreement — no
// two correct replicas execute different requests at one sequence number — and client
// safety — a result a client accepts (f+1 matching replies) is the one the correct replicas
// computed. Liveness: every correct client finishes and correct replicas converge.

import type { ClusterView, Invariant, Liveness } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';
import type { PbftOutput } from './messages.js';
import type { PbftOptions } from './options.js';
import type { PbftState } from './state.js';

type View = ClusterView<PbftState, PbftOutput>;

export function pbftInvariants(opts: PbftOptions): Invariant<PbftState, PbftOutput>[] {
  const correct = (id: NodeId) => !opts.byzantine.includes(id);
  const digests = new Map<number, string>();
  const results = new Map<string, number>();
  let seen = 0;
  let problem: { check: string; text: string } | undefined;
  const update = (view: View) => {
    for (; seen < view.outputs.length && problem === undefined; seen++) {
      const rec = view.outputs[seen];
      if (rec === undefined || !correct(rec.node)) continue;
      const o = rec.output;
      if (o.type === 'executed') {
        const known = digests.get(o.seq);
        if (known !== undefined && known !== o.digest)
          problem = {
            check: 'agreement',
            text: `replica ${rec.node} executed another request at sequence ${o.seq}`,
          };
        digests.set(o.seq, o.digest);
        if (o.request !== null && o.result !== null)
          results.set(`${o.request.client}:${o.request.t}`, o.result);
      } else if (o.type === 'accept') {
        const expected = results.get(`${o.client}:${o.t}`);
        if (expected !== o.result)
          problem = {
            check: 'client-results',
            text:
              `client ${o.client} accepted ${o.result} for request ` +
              `${o.t}; correct replicas computed ${expected}`,
          };
      }
    }
  };
  return ['agreement', 'client-results'].map((name) => ({
    name,
    check(view: View) {
      update(view);
      return problem?.check === name ? problem.text : undefined;
    },
  }));
}

export function pbftLiveness(opts: PbftOptions): Liveness<PbftState, PbftOutput>[] {
  const correctNodes = (view: View) =>
    view.nodes.filter((n) => n.up && n.state && !opts.byzantine.includes(n.id));
  return [
    {
      name: 'every-request-completes',
      check(view) {
        const behind = correctNodes(view).filter(
          (n) => (n.state?.client.done ?? 0) < opts.requests,
        );
        return behind.length === 0
          ? undefined
          : `clients ${behind.map((n) => n.id).join(',')} are not done`;
      },
    },
    {
      name: 'correct-replicas-converge',
      check(view) {
        const executed = correctNodes(view).map((n) => n.state?.lastExecuted ?? 0);
        return Math.min(...executed) === Math.max(...executed)
          ? undefined
          : `executed up to ${executed.join(', ')}`;
      },
    },
  ];
}
