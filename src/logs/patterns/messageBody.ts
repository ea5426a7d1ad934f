/**
 * A log line's message without the header a logger put before it, found by the shape of its
 * tokens, not by a list of formats: times and dates in their many spellings, epoch seconds, pids
 * and other numbers, levels, a syslog host, `program[pid]:`, `component:`, `[thread]` and other
 * bracketed groups, a Java `class -`. What is left is what the template miner reads, so the same
 * message from two processes, threads, hosts or levels groups together, and a varying header
 * neither splits a template nor takes the tree's routing words.
 */

const LEVEL_WORD =
  /^(?:trace|debug|dbug|info|information|notice|warn|warning|error|err|severe|fatal|panic|crit|critical|alert|emerg|emergency|log|statement|detail|hint|context)$/i;
/** A one-letter level as logcat and glog write it (`D Tag:`), only where a header is. */
const LETTER_LEVEL = /^[VDIWEFA]$/;
const MONTH_OR_DAY =
  /^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun)[a-z]*,?$/i;
const ZONE = /^(?:[A-Z]{2,5}|[+-]\d{2}:?\d{2}|Z)$/;
/** Dates, times and both, with any of the separators loggers use, or all digits (yymmdd, epoch). */
const TIME_LIKE =
  /^(?:\d{2,4}[-/.]\d{1,2}(?:[-/.]\d{1,4})?(?:[-T_:.]\d{1,2}(?:[:.]\d{2}){1,2}(?:[.,:]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?|\d{1,2}:\d{2}(?::\d{2})?(?:[.,:]\d+)?(?:Z|[+-]\d{2}:?\d{2})?|\d{8}-\d{1,2}:\d{2}:\d{2}(?::\d+)?|\d{1,2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2})$/;
const NUMBER = /^\d+(?:\.\d+)?$/;
const HAS_DIGIT = /\d/;
const ALL_CAPS = /^[A-Z][A-Z0-9_]{1,15}$/;
/** `sshd[123]:`, `crond(pam_unix)[2915]:`, `kernel:`, `dfs.DataNode$PacketResponder:`, `WindowManager:`. */
const PROGRAM = /^[\w.$/@-]+(?:\([\w.-]*\))?(?:\[\d+\])?:$/;
/** A logger's name: `org.apache.Foo`, `nova.osapi_compute.wsgi.server`. */
const DOTTED = /^[A-Za-z_][\w$]*(?:\.[\w$]+)+$/;
/** Python's logging default: `WARNING:root:message`. */
const PYTHON_DEFAULT = /^(?:DEBUG|INFO|WARNING|ERROR|CRITICAL):[\w.]+:/;
/** RFC 5424: `<PRI>VERSION TIME HOST APP PROCID MSGID [SD]... MSG`. */
const RFC5424 =
  /^<\d{1,3}>\d{1,2} \S+ \S+ \S+ \S+ \S+ (?:-|(?:\[(?:[^\]\\"]|\\.|"(?:[^"\\]|\\.)*")*\])+)(?: |$)/;
const PRI = /^<\d{1,3}>/;
/** A `kubectl get events` row: age, type, reason and object before the message. */
const KUBERNETES_EVENT =
  /^(?:\d+[smhd](?:\d+[smhd])?(?: \(x\d+ over \S+\))?|<unknown>)\s+(?:Normal|Warning)\s+\w+\s+[\w.-]+\/\S+\s+/;

/** `20261203-03:14:15:003|checkout|4242|message`: fields split by pipes, a time first. */
const PIPE_FIELDS = /^([^|\s]+)((?:\|[^|\s]*){1,5})\|/;

function pipeHeader(line: string): RegExpExecArray | null {
  const m = PIPE_FIELDS.exec(line);
  return m && isTime(m[1] as string) ? m : null;
}

/** How far a header may reach: a handful of tokens, never the whole of a long line. */
const MAX_HEADER_TOKENS = 16;
const MAX_HEADER_CHARS = 240;

interface Token {
  text: string;
  end: number;
}

/** The line's first tokens, a bracketed group (`[req-1 - - -]`, `[QuorumPeer[myid=1]/…]`) as one. */
function headTokens(line: string): Token[] {
  const out: Token[] = [];
  const re = /\S+/g;
  for (
    let m = re.exec(line);
    m && out.length < MAX_HEADER_TOKENS && m.index < MAX_HEADER_CHARS;
    m = re.exec(line)
  ) {
    let text = m[0];
    let end = m.index + text.length;
    if (text.startsWith('[')) {
      let depth = 0;
      let i = m.index;
      for (; i < line.length && i < m.index + MAX_HEADER_CHARS; i++) {
        const c = line[i];
        if (c === '[') depth++;
        else if (c === ']' && --depth === 0) break;
      }
      if (depth === 0 && i < line.length) {
        end = i + 1;
        // `[pid]:` or `]` glued to what follows: the group is the token up to the next space.
        while (end < line.length && !/\s/.test(line[end] as string)) end++;
        text = line.slice(m.index, end);
        re.lastIndex = end;
      }
    }
    out.push({ text, end });
  }
  return out;
}

const isTime = (t: string) => TIME_LIKE.test(t.replace(/^[[(]+|[\]),]+$/g, ''));
const isLevel = (t: string) => LEVEL_WORD.test(t.replace(/^[[<(]+|[\]>):,]+$/g, ''));
/** A level as a header writes it: in capitals, bracketed, or with its colon (`ERROR:`, `[warn]`). */
const isLoudLevel = (t: string) =>
  isLevel(t) && (/^[A-Z]+:?$/.test(t) || /^[[<(]/.test(t) || t.endsWith(':'));
const isBracket = (t: string) => /^\[.*\][:,]?$/.test(t) || /^<[^>]*>$/.test(t);

/**
 * Where the message starts. A prefix counts as a header only if it holds a time, a level or a
 * `program:`; it ends after `program:`/`component:`, after a lone `-`, or at the first word that
 * has none of a header's shapes.
 */
function headerEnd(line: string): number {
  if (PYTHON_DEFAULT.test(line)) return (PYTHON_DEFAULT.exec(line)?.[0].length ?? 0) as number;
  const fixed = RFC5424.exec(line) ?? KUBERNETES_EVENT.exec(line) ?? pipeHeader(line);
  if (fixed) return fixed[0].length;
  const tokens = headTokens(line);
  let end = 0;
  let strong = false;
  let afterLevel = false;
  let lastWasTime = false;
  let syslogTime = false;
  for (let i = 0; i < tokens.length; i++) {
    const { text: raw, end: at } = tokens[i] as Token;
    const t = i === 0 ? raw.replace(PRI, '') : raw;
    const next = tokens[i + 1]?.text ?? '';
    const prevWasTime = lastWasTime;
    if (strong && t === ':') {
      // A lone colon ends a header: Spring Boot's `--- [main] o.s.b.Foo : message`, logcat's `Tag : …`.
      return at;
    }
    if (t === '-' || t === '|' || t === '--' || t === '---') {
      lastWasTime = false;
      // A lone dash after a header is the logger's separator (`INFO [main] Foo - message`), unless
      // more header follows (`2015-07-29 17:41:44,747 - INFO [main] - message`).
      if (strong && afterLevel && !isBracket(next)) return at;
      end = at;
      continue;
    }
    if (isTime(t)) {
      strong = true;
      lastWasTime = true;
      end = at;
      continue;
    }
    if (syslogTime && prevWasTime && !afterLevel && !PROGRAM.test(t) && !isBracket(t)) {
      // Syslog's host follows its time: `Jun 14 15:16:01 combo sshd[1]: …`.
      syslogTime = false;
      end = at;
      continue;
    }
    if (lastWasTime && !isLevel(t) && (ZONE.test(t) || MONTH_OR_DAY.test(t))) {
      end = at;
      continue;
    }
    lastWasTime = false;
    if (MONTH_OR_DAY.test(t) && (isTime(next) || NUMBER.test(next))) {
      // `Jun 14 15:16:01`: the host comes after the time.
      const time = tokens.slice(i + 1, i + 4).findIndex((x) => isTime(x.text));
      if (time >= 0 && !/^\[/.test(raw)) syslogTime = true;
      end = at;
      continue;
    }
    const tagFollows = PROGRAM.test(next) || tokens[i + 2]?.text === ':';
    if (!afterLevel && (isLevel(t) || (strong && LETTER_LEVEL.test(t) && tagFollows))) {
      strong = true;
      afterLevel = true;
      end = at;
      continue;
    }
    if (PROGRAM.test(t) && (strong || (i === 0 && /\[\d+\]:$/.test(t))) && !/^\d/.test(t)) {
      // A level may follow the program: `xinetd[1]: warning: …`.
      return !afterLevel && isLevel(next) ? (tokens[i + 1] as Token).end : at;
    }
    if (isBracket(t)) {
      if (/\]:$/.test(t) && strong) return at;
      if (/\d{1,2}:\d{2}(?::\d{2})?/.test(t) || isLevel(t)) strong = true;
      end = at;
      continue;
    }
    // Numbers, ids and hosts with digits (`dn228`, `node-7`): before the level a header holds them.
    if (NUMBER.test(t) || (HAS_DIGIT.test(t) && !afterLevel) || (HAS_DIGIT.test(t) && /[-:./]/.test(t))) {
      end = at;
      continue;
    }
    if (prevWasTime && !afterLevel && PROGRAM.test(next) && !/^\d/.test(t)) {
      // A host between the time and the program: `2026-12-03T09:12:01+0000 web1 nginx[7]: …`.
      end = at;
      continue;
    }
    if (strong && !afterLevel && tokens.slice(i + 1, i + 3).some((x) => isLoudLevel(x.text))) {
      // Who or where, between the time and a level: `app.worker - WARNING`, `[pid] app@shop ERROR:`.
      end = at;
      continue;
    }
    if (strong && next === '-' && !isLevel(t) && /^[\w.$@/-]+$/.test(t)) {
      // A program or class and its dash after the time: `[10.30 16:49:06] chrome.exe - …`.
      return (tokens[i + 1] as Token).end;
    }
    if (strong && next === ':' && /^[\w.$/-]+$/.test(t)) {
      // A tag or logger before a lone colon.
      end = at;
      continue;
    }
    if (afterLevel && DOTTED.test(t)) {
      // A logger's name after the level; the message follows, or a `-` does.
      end = at;
      continue;
    }
    if (ALL_CAPS.test(t) && i < 3 && (isTime(next) || NUMBER.test(next))) {
      // A flag before the time (`- 1117838570 …` or `KERNDTLB 1118536327 …`).
      end = at;
      continue;
    }
    if (ALL_CAPS.test(t) && tokens.slice(i + 1, i + 3).some((x) => isLevel(x.text))) {
      // Facility words before the level: `RAS KERNEL INFO`.
      end = at;
      continue;
    }
    break;
  }
  return strong ? end : 0;
}

export function messageBody(message: string): string {
  return message.slice(headerEnd(message)).trim();
}
