// Inspector fields and stage drawings of single-decree Paxos: for each acceptor the ballot it promised and the
// proposal it accepted (ballot = value), for a proposer its current ballot, and the value a
// node learned as chosen. Multi-Paxos: the ballot each node promised inside it, its role
// with how many slots it has accepted and learned beside it. A ballot reads round.proposer,
// as in the notes' (n, id) pairs.

import type { MultiPaxosState } from '../../../src/algorithms/consensus/multi-paxos/state.js';
import type { Ballot } from '../../../src/algorithms/consensus/paxos/ballot.js';
import type { PaxosState } from '../../../src/algorithms/consensus/paxos/state.js';
import type { InspectorField, NodeDrawing } from './types.js';

const ballot = (b: Ballot) => `${b.round}.${b.proposer}`;

const isPaxos = (s: unknown): s is PaxosState =>
  typeof s === 'object' && s !== null && 'acceptor' in s && 'proposer' in s && 'learned' in s;

export function paxosDrawing(state: unknown): NodeDrawing | undefined {
  if (!isPaxos(state)) return undefined;
  const parts: string[] = [];
  const words: string[] = [];
  const a = state.acceptor;
  if (a !== null) {
    parts.push(`p${ballot(a.promised)}`);
    words.push(`promised ${ballot(a.promised)}`);
    if (a.accepted !== null) {
      parts.push(`a${ballot(a.accepted.ballot)}=${a.accepted.value}`);
      words.push(`accepted ${a.accepted.value} at ${ballot(a.accepted.ballot)}`);
    }
  }
  const p = state.proposer;
  if (p?.ballot != null && p.phase !== 'done') {
    parts.push(`b${ballot(p.ballot)}`);
    words.push(`proposing at ${ballot(p.ballot)}`);
  }
  return {
    ...(parts.length > 0 && { caption: { text: parts.join(' '), label: words.join(', ') } }),
    ...(state.learned !== null && {
      inside: { text: `=${state.learned}`, label: `learned ${state.learned}` },
    }),
  };
}

const isMultiPaxos = (s: unknown): s is MultiPaxosState =>
  typeof s === 'object' && s !== null && 'promised' in s && 'chosen' in s && 'accepted' in s;

export function multiPaxosDrawing(state: unknown): NodeDrawing | undefined {
  if (!isMultiPaxos(state)) return undefined;
  const promised = ballot(state.promised);
  const { role } = state;
  const accepted = state.accepted.size;
  const chosen = state.chosen.size;
  return {
    inside: { text: `b${promised}`, label: `promised ballot ${promised}` },
    caption: {
      text: `${role === 'follower' ? '' : `${role} `}acc ${accepted} ch ${chosen}`,
      label: `${role}, ${accepted} slots accepted, ${chosen} chosen`,
    },
  };
}

// Inspector fields: an acceptor's promise and accepted proposal, a proposer's ballot and
// phase, the value learned; Multi-Paxos's role, promise, the leader it follows and its slots.

export function paxosFields(state: unknown): readonly InspectorField[] | undefined {
  if (!isPaxos(state)) return undefined;
  const a = state.acceptor;
  const p = state.proposer;
  const fields: InspectorField[] = [];
  if (a !== null)
    fields.push(
      { label: 'promised', value: ballot(a.promised) },
      {
        label: 'accepted',
        value: a.accepted === null ? null : `${ballot(a.accepted.ballot)} = ${a.accepted.value}`,
      },
    );
  if (p !== null)
    fields.push(
      { label: 'phase', value: p.phase },
      { label: 'ballot', value: p.ballot == null ? null : ballot(p.ballot) },
    );
  fields.push({ label: 'learned', value: state.learned });
  return fields;
}

export function multiPaxosFields(state: unknown): readonly InspectorField[] | undefined {
  if (!isMultiPaxos(state)) return undefined;
  return [
    { label: 'role', value: state.role },
    { label: 'promised', value: ballot(state.promised) },
    { label: 'leader', value: state.leader === null ? null : ballot(state.leader) },
    { label: 'accepted', value: state.accepted.size },
    { label: 'chosen', value: state.chosen.size },
    { label: 'applied', value: state.applied },
    { label: 'nextSlot', value: state.nextSlot },
  ];
}
