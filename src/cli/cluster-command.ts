// `cohort cluster up|status|kill N|restart N|partition SPEC|heal|faults PLAN|down`: a local
// cluster of real processes. `up` runs in the foreground (cluster/cluster-up.ts); the other
// subcommands talk to it through the control port in `<data-dir>/cluster.json`, with the
// token in `<data-dir>/control.token` (cluster/control-server.ts). A refusal or failure of
// the control API (e.g. a restarted node that died on start) is one line and exit 1.

import { bearer } from '../runtime/api-token.js';
import { FaultPlanError, parseFaultPlan } from '../sim/fault-plan.js';
import { checkRealFaults } from './cluster/chaos-plan.js';
import { type ClusterStateFile, readControlToken, readRunning } from './cluster/state-file.js';
import { CLUSTER_ACTIONS } from './operands.js';
import { EXIT_CHECK_FAILED, EXIT_OK, UsageError } from './usage-error.js';

export interface ClusterFlags {
  readonly dataDir: string;
  readonly json?: boolean;
}

interface ControlReply {
  readonly code: number;
  readonly payload: Record<string, unknown>;
}

/** One control API request; a POST always carries a JSON body (`{}` when it needs none). */
async function call(
  state: ClusterStateFile,
  token: string,
  route: string,
  body?: object,
): Promise<ControlReply> {
  try {
    const res = await fetch(`http://127.0.0.1:${state.controlPort}${route}`, {
      headers: { ...bearer(token), 'content-type': 'application/json' },
      ...(body === undefined ? { method: 'GET' } : { method: 'POST', body: JSON.stringify(body) }),
    });
    return { code: res.status, payload: (await res.json()) as Record<string, unknown> };
  } catch (error) {
    const reason = (error as Error).message;
    const error_ = `the control API on 127.0.0.1:${state.controlPort} did not answer: ${reason}`;
    return { code: 0, payload: { error: error_ } };
  }
}

function parsePlan(text: string, nodes: number): string {
  try {
    checkRealFaults(parseFaultPlan(text, nodes));
  } catch (error) {
    if (error instanceof FaultPlanError) throw new UsageError(error.message);
    throw error;
  }
  return text;
}

function nodeArg(arg: string | undefined, nodes: number): number {
  const id = Number(arg);
  if (!Number.isInteger(id) || id < 1 || id > nodes) {
    throw new UsageError(`expected a node id in 1..${nodes}, got '${arg ?? ''}'`);
  }
  return id;
}

interface StatusNode {
  readonly id: number;
  readonly up: boolean;
  readonly pid: number | null;
  readonly port: number;
  readonly apiPort: number;
  readonly role?: string;
}

function printStatus(payload: Record<string, unknown>, json: boolean): void {
  if (json) return void process.stdout.write(`${JSON.stringify(payload, null, 2)}\n`);
  const nodes = payload.nodes as StatusNode[];
  const lines = [`cluster '${String(payload.clusterId)}': ${String(payload.algorithm)}`];
  for (const s of nodes) {
    const state = s.up ? `up    pid ${s.pid}` : 'down';
    const role = s.role === undefined ? '' : `  ${s.role}`;
    lines.push(`node ${s.id}  127.0.0.1:${s.port}  ${state}  api :${s.apiPort}${role}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Every subcommand but `up`. */
export async function clusterControl(
  action: string,
  args: readonly string[],
  flags: ClusterFlags,
): Promise<number> {
  if (!(CLUSTER_ACTIONS as readonly string[]).includes(action) || action === 'up') {
    throw new UsageError(`unknown cluster action '${action}' (${CLUSTER_ACTIONS.join(', ')})`);
  }
  const state = readRunning(flags.dataDir);
  const token = readControlToken(flags.dataDir);
  const n = state.nodes;
  let reply: ControlReply;
  switch (action) {
    case 'status':
      reply = await call(state, token, '/status');
      if (reply.code === 200) printStatus(reply.payload, flags.json === true);
      break;
    case 'kill':
    case 'restart':
      reply = await call(state, token, `/${action}?node=${nodeArg(args[0], n)}`, {});
      break;
    case 'partition':
      if (args[0] === undefined) throw new UsageError("partition needs groups, e.g. '1,2|3'");
      reply = await call(state, token, '/faults', {
        plan: parsePlan(`partition ${args[0]} @0`, n),
      });
      break;
    case 'faults':
      if (args[0] === undefined)
        throw new UsageError("faults needs a plan, e.g. 'drop 0.1; delay 5..50'");
      reply = await call(state, token, '/faults', { plan: parsePlan(args.join(' '), n) });
      break;
    case 'heal':
    case 'down':
      reply = await call(state, token, `/${action}`, {});
      break;
    default:
      throw new UsageError(`unknown cluster action '${action}' (${CLUSTER_ACTIONS.join(', ')})`);
  }
  if (reply.code !== 200) {
    process.stderr.write(`cohort: ${String(reply.payload.error)}\n`);
    return EXIT_CHECK_FAILED;
  }
  if (action !== 'status') {
    process.stdout.write(
      flags.json === true ? `${JSON.stringify(reply.payload)}\n` : `${action}: ok\n`,
    );
  }
  return EXIT_OK;
}
