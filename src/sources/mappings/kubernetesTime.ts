/** A Kubernetes timestamp (the client gives a Date, kubectl's JSON a string) in ms; NaN when absent or unreadable. */
export const timeOf = (t: string | Date | undefined): number =>
  t ? Date.parse(t instanceof Date ? t.toISOString() : t) : Number.NaN;
