// Follows each node's role (`state.role`, via its client API's /status) and reports
// changes, so `cohort cluster up` shows elections as they happen. Polling is enough: the
// launcher shows roles to a person, it does not decide anything with them. Each request
// carries the node's API token, read from its data directory (new at every start).

import { bearer } from '../../runtime/api-token.js';
import type { LocalCluster } from '../../runtime/launcher/local-cluster.js';

export const ROLE_POLL_MS = 250;

export interface NodeLiveStatus {
  readonly role?: string;
  readonly counters?: { readonly steps: number };
}

/** Node `id`'s live status, or undefined when it does not answer (down, restarting). */
export async function fetchStatus(
  cluster: LocalCluster,
  id: number,
): Promise<NodeLiveStatus | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${cluster.apiPort(id)}/status`, {
      headers: bearer(cluster.apiToken(id)),
      signal: AbortSignal.timeout(2_000),
    });
    if (!res.ok) return undefined;
    return (await res.json()) as NodeLiveStatus;
  } catch {
    return undefined;
  }
}

export function watchRoles(cluster: LocalCluster, report: (line: string) => void): () => void {
  const roles = new Map<number, string>();
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    for (const s of cluster.status()) {
      if (!s.up) {
        roles.delete(s.id);
        continue;
      }
      const role = (await fetchStatus(cluster, s.id))?.role;
      if (role === undefined || roles.get(s.id) === role) continue;
      const before = roles.get(s.id);
      roles.set(s.id, role);
      report(before === undefined ? `node ${s.id}: ${role}` : `node ${s.id}: ${before} → ${role}`);
    }
    busy = false;
  }, ROLE_POLL_MS);
  return () => clearInterval(timer);
}
