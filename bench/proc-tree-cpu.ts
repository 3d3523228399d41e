// CPU time of a multi-process server (PostgreSQL: a postmaster forks a backend per connection
// and its background workers), read from Linux's /proc: the roots' own user + system time,
// what their exited children were reaped with (cutime + cstime: a backend that closed during
// a run still counts), and the user + system time of every live direct child. Two readings
// around a run give the CPU the servers spent on it (`cohort bench txn` divides it by the
// transfers, to show what limits throughput when the machine is CPU-bound).
//
// Fault model: without /proc (not Linux) the reading is undefined; a process that exits while
// /proc is scanned is skipped (its time then shows up in its parent's cutime on the next read).

import fs from 'node:fs';

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
const TICKS_PER_SECOND = 100;

interface Stat {
  readonly ppid: number;
  /** utime + stime, in ticks. */
  readonly own: number;
  /** cutime + cstime (reaped children), in ticks. */
  readonly reaped: number;
}

function statOf(pid: string): Stat | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // Exited meanwhile.
  }
  // After the parenthesised command name: fields[0] is field 3 (state), ppid field 4,
  // utime 14, stime 15, cutime 16, cstime 17.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const n = (i: number) => Number(fields[i]);
  return { ppid: n(1), own: n(11) + n(12), reaped: n(13) + n(14) };
}

/** CPU milliseconds used so far by `roots` and their children; undefined without /proc. */
export function processTreeCpuMs(roots: readonly number[]): number | undefined {
  if (!fs.existsSync('/proc/self/stat')) return undefined;
  const wanted = new Set(roots);
  let ticks = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = statOf(entry);
    if (stat === undefined) continue;
    if (wanted.has(Number(entry))) ticks += stat.own + stat.reaped;
    else if (wanted.has(stat.ppid)) ticks += stat.own;
  }
  return (ticks / TICKS_PER_SECOND) * 1000;
}
