/**
 * A log line's message without the header a logger put before it: timestamps, levels, a syslog host
 * and program[pid], a Java-style [thread:Class@line] block. What is left is what the template miner
 * reads, so the same message from two processes or threads groups together.
 */
const TIME_IN_BRACKETS = /^\[[^\]]*\d{1,2}:\d{2}:\d{2}[^\]]*\]\s*/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?\s*/;
const SYSLOG_TIME_HOST_PROGRAM =
  /^(?:[A-Z][a-z]{2} )?[A-Z][a-z]{2} {1,2}\d{1,2} \d{2}:\d{2}:\d{2}(?: \d{4})?\s+\S+\s+(?:[^\s:[\]]+(?:\[\d+\])?:\s+)?/;
const LEVEL =
  /^[[<(]?(?:trace|debug|info|notice|warn|warning|error|err|severe|fatal|panic|crit|critical|alert|emerg)[\]>)]?:?(?:\s+|$)/i;
/** `[QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774] - `: one level of nesting. */
const CODE_LOCATION = /^\[(?:[^[\]]|\[[^\]]*\])*\]\s+-\s+/;
const DASH = /^-\s+/;
const HEADERS = [TIME_IN_BRACKETS, ISO_TIME, SYSLOG_TIME_HOST_PROGRAM, LEVEL, CODE_LOCATION, DASH];

export function messageBody(message: string): string {
  let text = message;
  // Each pass takes one piece of header off the front; a header has a handful of them.
  for (let pass = 0; pass < 8; pass++) {
    let cut = 0;
    for (const re of HEADERS) {
      cut = re.exec(text)?.[0].length ?? 0;
      if (cut > 0) break;
    }
    if (cut === 0) break;
    text = text.slice(cut);
  }
  return text.trim();
}
