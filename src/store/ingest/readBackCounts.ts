/** Read-back lines are counted in slices of this width at their own time. */
export const READ_BACK_SLICE_MS = 1000;

/**
 * Requests and errors of lines read back from before the console opened (a source's history:
 * `docker logs --since`, a file from the offset of a time), per service and per slice of their own
 * time. They are not counted as they arrive, which would put half an hour of traffic in one second.
 */
export class ReadBackCounts {
  private readonly slices = new Map<string, Map<number, { requests: number; errors: number }>>();

  add(service: string, at: number, outcome: 'ok' | 'error'): void {
    let byEnd = this.slices.get(service);
    if (!byEnd) {
      byEnd = new Map();
      this.slices.set(service, byEnd);
    }
    const end = Math.floor(at / READ_BACK_SLICE_MS) * READ_BACK_SLICE_MS + READ_BACK_SLICE_MS;
    const slice = byEnd.get(end) ?? { requests: 0, errors: 0 };
    slice.requests++;
    if (outcome === 'error') slice.errors++;
    byEnd.set(end, slice);
  }

  /** What was counted since the last call, per service, oldest slice first. */
  take(): Map<string, { at: number; requests: number; errors: number }[]> {
    const out = new Map<string, { at: number; requests: number; errors: number }[]>();
    for (const [service, byEnd] of this.slices)
      out.set(
        service,
        [...byEnd].map(([at, c]) => ({ at, ...c })).sort((a, b) => a.at - b.at),
      );
    this.slices.clear();
    return out;
  }
}
