import { readFile } from 'node:fs/promises';

const CLOCK_TICKS_PER_SECOND = 100;
const PAGE_SIZE = 4096;

export interface CpuSample {
  at: number;
  ticks: number;
}

/** CPU ticks and resident memory of a Linux process from /proc; undefined when it is gone. */
export async function readProcStats(pid: number): Promise<{ ticks: number; rssBytes: number } | undefined> {
  try {
    const [stat, statm] = await Promise.all([
      readFile(`/proc/${pid}/stat`, 'utf8'),
      readFile(`/proc/${pid}/statm`, 'utf8'),
    ]);
    // The command name may contain spaces and parentheses; fields resume after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const rssPages = Number(statm.split(' ')[1]);
    return { ticks, rssBytes: rssPages * PAGE_SIZE };
  } catch {
    return undefined;
  }
}

/** CPU percent of one core between two samples. */
export function cpuPercent(prev: CpuSample, next: CpuSample): number {
  const seconds = (next.at - prev.at) / 1000;
  if (seconds <= 0) return 0;
  return ((next.ticks - prev.ticks) / CLOCK_TICKS_PER_SECOND / seconds) * 100;
}
