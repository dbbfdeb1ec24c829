// CPU time of another process from /proc/<pid>/stat (utime + stime, in clock ticks): read before
// and after a measured window and divided by the requests served, it gives CPU µs per request —
// steadier than req/s on a machine shared with other work. Linux only; null elsewhere.
import { readFileSync } from 'node:fs';

/** USER_HZ: the unit of utime/stime. 100 on every mainstream Linux build. */
const TICKS_PER_SECOND = 100;

/** User + system CPU time the process has used so far, in µs; null without /proc. */
export function cpuMicros(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return Number.isFinite(utime) && Number.isFinite(stime) ? ((utime + stime) * 1_000_000) / TICKS_PER_SECOND : null;
  } catch {
    return null;
  }
}

/** Resident memory (VmRSS) in MiB, or null without /proc. */
export function rssMiB(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}
