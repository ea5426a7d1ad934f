/** The RFC 3339 timestamp Docker (`timestamps=1`) and the kubelet (`timestamps=true`) put before each line. */
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z /;

/**
 * The resume point of a log stream that prefixes each line with its timestamp: the prefix is taken
 * off and remembered, so a reconnect can ask for lines since then; the lines it gets again (at or
 * before that instant) are dropped and counted, so what was shown plus what was dropped is what came.
 */
export class TimestampedLines {
  /** The newest timestamp seen, its fraction padded to nanoseconds. */
  last: string | undefined;
  /** Lines dropped because they had been shown before a reconnect. */
  duplicates = 0;
  private seenAtLast = new Set<string>();

  /** The line without its timestamp and the time it carried, or undefined for a line already shown. */
  take(line: string): { body: string; at?: number } | undefined {
    const m = TIMESTAMP.exec(line);
    if (!m) return { body: line };
    // RFC 3339 with nanoseconds drops trailing zeros (.1Z, .12Z): padded, the text orders as the time.
    const ts = `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}Z`;
    const body = line.slice(m[0].length);
    if (this.last && ts < this.last) {
      this.duplicates++;
      return undefined;
    }
    if (ts === this.last) {
      if (this.seenAtLast.has(body)) {
        this.duplicates++;
        return undefined;
      }
    } else {
      this.last = ts;
      this.seenAtLast = new Set();
    }
    this.seenAtLast.add(body);
    return { body, at: Date.parse(ts) };
  }
}
