// Safety of single-decree Paxos, checked after every simulated step (Paxos Made Simple §2.1
// and §2.2), and its liveness once faults heal. "Chosen" is rebuilt from the acceptors'
// `accepted` outputs: a value is chosen when a majority of acceptors has accepted it in ONE
// ballot. A tracker shared by the checks of one run reads each new output once.

import type { ClusterView, Invariant, Liveness, NodeView } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';
import { type Ballot, ballotText, compareBallots, ZERO_BALLOT } from './ballot.js';
import type { PaxosOutput } from './messages.js';
import type { PaxosState } from './state.js';

type View = ClusterView<PaxosState, PaxosOutput>;

interface BallotVotes {
  readonly ballot: Ballot;
  readonly value: number;
  readonly acceptors: Set<NodeId>;
}

/** Everything the checks need, updated incrementally from the run's outputs and states. */
export class ChoiceTracker {
  /** Votes per ballot; a ballot with two values is itself a violation. */
  readonly votes = new Map<string, BallotVotes>();
  /** Chosen ballots, in the order they became chosen. */
  readonly chosen: BallotVotes[] = [];
  readonly problems: { check: string; text: string }[] = [];
  private seen = 0;
  private readonly promised = new Map<NodeId, Ballot>();

  constructor(private readonly majority: number) {}

  update(view: View): void {
    const outputs = view.outputs;
    for (; this.seen < outputs.length; this.seen++) {
      const rec = outputs[this.seen];
      if (rec === undefined) break;
      const o = rec.output;
      if (o.type === 'accepted') this.onAccepted(rec.node, o.ballot, o.value);
      else if (o.type === 'learned') this.onLearned(rec.node, o.value);
    }
    for (const node of view.nodes) this.trackPromise(node);
  }

  private onAccepted(node: NodeId, ballot: Ballot, value: number): void {
    const before = this.promised.get(node) ?? ZERO_BALLOT;
    if (compareBallots(ballot, before) < 0) {
      this.problem(
        'accept-respects-promise',
        `acceptor ${node} accepted ${ballotText(ballot)} after promising ${ballotText(before)}`,
      );
    }
    const key = ballotText(ballot);
    const votes = this.votes.get(key) ?? { ballot, value, acceptors: new Set<NodeId>() };
    this.votes.set(key, votes);
    if (votes.value !== value) {
      this.problem('one-value-chosen', `ballot ${key} carries ${votes.value} and ${value}`);
      return;
    }
    const wasChosen = votes.acceptors.size >= this.majority;
    votes.acceptors.add(node);
    if (!wasChosen && votes.acceptors.size >= this.majority) this.chosen.push(votes);
    this.checkAgreement();
  }

  /** Agreement and P2b: every accepted ballot above a chosen one carries the chosen value. */
  private checkAgreement(): void {
    const first = this.chosen[0];
    if (first === undefined) return;
    for (const c of this.chosen) {
      if (c.value !== first.value) {
        this.problem(
          'one-value-chosen',
          `${first.value} was chosen in ballot ${ballotText(first.ballot)} and ` +
            `${c.value} in ballot ${ballotText(c.ballot)}`,
        );
        return;
      }
    }
    const lowest = this.chosen.reduce((a, b) => (compareBallots(a.ballot, b.ballot) <= 0 ? a : b));
    for (const v of this.votes.values()) {
      if (compareBallots(v.ballot, lowest.ballot) > 0 && v.value !== lowest.value) {
        this.problem(
          'chosen-value-stable',
          `ballot ${ballotText(v.ballot)} accepted ${v.value} above ballot ` +
            `${ballotText(lowest.ballot)}, which chose ${lowest.value}`,
        );
      }
    }
  }

  private onLearned(node: NodeId, value: number): void {
    if (!this.chosen.some((c) => c.value === value))
      this.problem('learners-agree', `node ${node} learned ${value}, which was never chosen`);
    else if (this.chosenValue() !== value)
      this.problem('learners-agree', `node ${node} learned ${value}, not ${this.chosenValue()}`);
  }

  /** A promise never goes backwards, across restarts too (it is durable). */
  private trackPromise(node: NodeView<PaxosState>): void {
    const promised = node.state?.acceptor?.promised;
    if (promised === undefined) return;
    const before = this.promised.get(node.id) ?? ZERO_BALLOT;
    if (compareBallots(promised, before) < 0) {
      this.problem(
        'accept-respects-promise',
        `acceptor ${node.id}'s promise went back from ${ballotText(before)} to ` +
          ballotText(promised),
      );
    }
    this.promised.set(node.id, promised);
  }

  chosenValue(): number | null {
    return this.chosen[0]?.value ?? null;
  }

  private problem(check: string, text: string): void {
    if (!this.problems.some((p) => p.check === check)) this.problems.push({ check, text });
  }
}

export const PAXOS_CHECKS = [
  'one-value-chosen',
  'chosen-value-stable',
  'accept-respects-promise',
  'learners-agree',
] as const;

/** The four checks, sharing one tracker (each reports its first violation). */
export function paxosInvariants(majority: number): Invariant<PaxosState, PaxosOutput>[] {
  const tracker = new ChoiceTracker(majority);
  return PAXOS_CHECKS.map((name) => ({
    name,
    check(view: View) {
      tracker.update(view);
      return tracker.problems.find((p) => p.check === name)?.text;
    },
  }));
}

/**
 * Once faults heal every live node has learned the chosen value. Duelling proposers are not
 * exempted: after heal the randomized backoff must end the duel within the deadline.
 */
export function paxosLiveness(majority: number): Liveness<PaxosState, PaxosOutput>[] {
  return [
    {
      name: 'every-node-learns',
      check(view) {
        const tracker = new ChoiceTracker(majority);
        tracker.update(view);
        const chosen = tracker.chosenValue();
        if (chosen === null) return 'no value was chosen';
        const behind = view.nodes.filter((n) => n.up && n.state?.learned !== chosen);
        if (behind.length === 0) return undefined;
        return `nodes ${behind.map((n) => n.id).join(',')} have not learned ${chosen}`;
      },
    },
  ];
}
