// The machine a benchmark ran on, so the numbers in docs/performance.md can be read in context.
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memory: string;
  node: string;
  os: string;
  date: string;
  /** 1, 5 and 15 minute load averages when the run started (other work competing for the CPU). */
  load: [number, number, number];
}

function osName(): string {
  try {
    const release = readFileSync('/etc/os-release', 'utf8');
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(release)?.[1];
    if (pretty) return `${pretty} (${os.type()} ${os.release()}, ${os.arch()})`;
  } catch {
    // not Linux, or no os-release: fall through
  }
  return `${os.type()} ${os.release()} (${os.arch()})`;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() || 'unknown',
    cores: os.availableParallelism(),
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    os: osName(),
    date: new Date().toISOString(),
    load: os.loadavg() as [number, number, number],
  };
}
