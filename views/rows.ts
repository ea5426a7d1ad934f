/**
 * Pure text layout for the panes: each function turns one item into one fixed-width row, so the
 * panes stay legible at 80 columns and tests can check layout without rendering.
 */
import type { LogRecord } from '../src/logs/logRecord';
import { firstLineOf } from '../src/logs/multiline';
import type { FailureRole } from '../src/logs/requestOrigins';
import type { RuleView, ServiceSignalsView } from '../src/metrics/serviceSignals';
import { sparkline } from '../src/metrics/sparkline';
import type { ContainerStatus } from '../src/model/sourceEvents';
import { formatDuration, formatPercent } from '../src/text/duration';

export function cell(text: string, width: number): string {
  if (width <= 0) return '';
  const chars = [...text];
  if (chars.length <= width) return text + ' '.repeat(width - chars.length);
  return `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

/**
 * A table column: the text capped one short of the width, so a full cell never runs into the next
 * column's text (`unhealthy1` was HEALTH's "unhealthy" against VERSION's "1.4.2").
 */
export function column(text: string, width: number): string {
  return width <= 1 ? cell('', width) : `${cell(text, width - 1)} `;
}

/** The first of `candidates` (longest wording first) that fits in `width`, else the last, cut. */
export function fitting(candidates: readonly string[], width: number): string {
  return candidates.find((c) => [...c].length <= width) ?? cell(candidates.at(-1) ?? '', width);
}

export function cellRight(text: string, width: number): string {
  return text.length >= width ? cell(text, width) : ' '.repeat(width - text.length) + text;
}

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '-';
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)}K`;
  if (bytes < 1024 ** 3) return `${Math.round(bytes / 1024 / 1024)}M`;
  return `${(bytes / 1024 ** 3).toFixed(1)}G`;
}

export function containerColumns(width: number) {
  const fixed = { state: 11, health: 11, version: 8, uptime: 7, restarts: 4, cpu: 6, memory: 6 };
  const name = Math.max(8, width - Object.values(fixed).reduce((a, b) => a + b, 0));
  return { name, ...fixed };
}

export function containerHeader(width: number): string {
  const c = containerColumns(width);
  return (
    column('NAME', c.name) +
    column('STATE', c.state) +
    column('HEALTH', c.health) +
    column('VERSION', c.version) +
    cellRight('UP', c.uptime - 1) +
    ' ' +
    cellRight('RST', c.restarts - 1) +
    ' ' +
    cellRight('CPU', c.cpu - 1) +
    ' ' +
    cellRight('MEM', c.memory - 1)
  ).slice(0, width);
}

export function containerRow(s: ContainerStatus, now: number, width: number): string {
  const c = containerColumns(width);
  const uptime = s.state === 'running' && s.startedAt ? formatDuration(now - s.startedAt) : '-';
  const state = s.reason
    ? s.reason
    : s.state === 'exited' && s.exitCode !== undefined
      ? `exit ${s.exitCode}`
      : s.state;
  const streak = s.health === 'unhealthy' ? s.healthFailingStreak : undefined;
  // Abbreviated rather than cut: the failing streak is the part worth reading.
  const health = fitting(
    streak ? [`unhealthy×${streak}`, `unhlth×${streak}`, `unh×${streak}`, 'unhlth'] : [s.health, 'unhlth'],
    c.health - 1,
  );
  return (
    column(s.name, c.name) +
    column(state, c.state) +
    column(health, c.health) +
    column(s.version ?? s.image ?? '-', c.version) +
    cellRight(uptime, c.uptime - 1) +
    ' ' +
    cellRight(String(s.restarts), c.restarts - 1) +
    ' ' +
    cellRight(s.cpuPercent === undefined ? '-' : `${Math.round(s.cpuPercent)}%`, c.cpu - 1) +
    ' ' +
    cellRight(formatBytes(s.memoryBytes), c.memory - 1)
  ).slice(0, width);
}

/** The rule that matters most right now: firing critical, then firing warning, then pending. */
/** The rules judged on health checks rather than rates. */
const HEALTH_RULES = ['health-degraded', 'complete-outage'];

export function headlineRule(rules: RuleView[]): RuleView | undefined {
  const rank = (r: RuleView) =>
    (r.state === 'firing' ? 4 : r.state === 'pending' ? 2 : 0) + (r.severity === 'critical' ? 1 : 0);
  const best = [...rules].sort((a, b) => rank(b) - rank(a))[0];
  return best && best.state !== 'ok' ? best : undefined;
}

export function ruleLabel(rule: RuleView | undefined): string {
  if (!rule) return 'ok';
  const sev = rule.severity === 'critical' ? 'CRIT' : 'WARN';
  if (rule.state === 'firing') return `${sev} FIRING`;
  return `${sev} in ${formatDuration(rule.leftMs ?? 0)}`;
}

/** From this width the pane also shows the ratio counted from logs, next to the metrics one. */
export const LOG_RATIO_COLUMN_WIDTH = 100;

export function rateColumns(width: number) {
  const wide = width >= LOG_RATIO_COLUMN_WIDTH;
  const fixed = { r1: 7, r5: 7, logs: wide ? 7 : 0, p95: 7, health: 6, rule: wide ? 22 : 15 };
  const rest = width - Object.values(fixed).reduce((a, b) => a + b, 0);
  const name = Math.max(7, Math.min(12, Math.floor(rest / 3)));
  return { name, spark: Math.max(0, rest - name), ...fixed };
}

export function rateHeader(width: number): string {
  const c = rateColumns(width);
  return (
    cell('SERVICE', c.name) +
    cellRight('1m', c.r1 - 1) +
    ' ' +
    cellRight('5m', c.r5 - 1) +
    ' ' +
    (c.logs ? `${cellRight('logs', c.logs - 1)} ` : '') +
    cell(c.spark >= 6 ? 'LAST 30m' : '', c.spark) +
    cellRight('p95', c.p95 - 1) +
    ' ' +
    cell('HLTH', c.health) +
    cell('RULE', c.rule)
  ).slice(0, width);
}

/**
 * `threshold` scales the sparkline so the alert line sits at half height. The origin of failing
 * requests is marked ◆; a service failing downstream of another says so instead of its rule.
 */
export function rateRow(
  v: ServiceSignalsView,
  threshold: number,
  width: number,
  failure?: FailureRole,
): string {
  const c = rateColumns(width);
  // Rates unknown does not hide a health rule that fires (a service with health checks and no traffic);
  // a rate rule's state is then as unknown as the rates.
  const headline = headlineRule(
    v.unknownReason ? v.rules.filter((r) => HEALTH_RULES.includes(r.id)) : v.rules,
  );
  const rule = headline ? ruleLabel(headline) : v.unknownReason ? 'unknown' : 'ok';
  // Downstream, its own rule gives way to whom it follows; a rule that fires still says so, first
  // (a long name is cut, never the word), since that is what holds a resolve back.
  const firing = headline?.state === 'firing';
  const ruleText =
    failure?.role === 'downstream' && rule !== 'ok'
      ? c.rule >= 22
        ? `${firing ? 'FIRING, ' : ''}downstream of ${failure.of}`
        : firing
          ? `FIRING ↳ ${failure.of}`
          : `↳ after ${failure.of}`
      : rule;
  const spark = c.spark > 1 ? sparkline(v.spark.slice(-(c.spark - 1)), threshold * 2) : '';
  const health = v.health.total === 0 ? '-' : `${v.health.up}/${v.health.total}`;
  return (
    cell(failure?.role === 'origin' ? `◆${v.service}` : v.service, c.name) +
    cellRight(formatPercent(v.ratio1m), c.r1 - 1) +
    ' ' +
    cellRight(formatPercent(v.ratio5m), c.r5 - 1) +
    ' ' +
    (c.logs ? `${cellRight(formatPercent(v.logRatio1m), c.logs - 1)} ` : '') +
    cell(spark, c.spark) +
    cellRight(v.p95Seconds === undefined ? '-' : `${Math.round(v.p95Seconds * 1000)}ms`, c.p95 - 1) +
    ' ' +
    cell(health, c.health) +
    cell(ruleText, c.rule)
  ).slice(0, width);
}

const LEVEL_TAGS: Record<string, string> = {
  trace: 'TRC',
  debug: 'DBG',
  info: 'INF',
  warn: 'WRN',
  error: 'ERR',
  fatal: 'FTL',
};

export function clockTime(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/** A line's own time and level at its start, which the row shows in its own columns. */
const OWN_TIME =
  /^\[?(?:\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?|(?:[A-Z][a-z]{2} )?[A-Z][a-z]{2} {1,2}\d{1,2} \d{2}:\d{2}:\d{2}(?:\.\d+)?(?: \d{4})?)\]?,?\s+(?:-\s+)?(?:\[?(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|FATAL|CRITICAL|trace|debug|info|notice|warn|warning|error|fatal|critical)\]?:?\s+)?/;

/**
 * At 80 columns a plain line's own time and level would take the room of its message: the row has
 * them already (when the time was read from the line), so they are not repeated.
 */
function withoutOwnTime(line: string, timeFromLine: boolean): string {
  if (!timeFromLine) return line;
  const cut = OWN_TIME.exec(line)?.[0].length ?? 0;
  return cut > 0 && cut < line.length ? line.slice(cut) : line;
}

/**
 * One log line in one row. When the row is too narrow the message is cut, not the request id: the
 * id is what the operator follows (`r`), so it stays at the end of the row.
 */
export function logRow(r: LogRecord, width: number, sourceWidth = 8): string {
  const level = r.level ? LEVEL_TAGS[r.level] : '   ';
  const prefix = `${clockTime(r.time)} ${cell(r.source, sourceWidth)} ${level} `;
  const status = r.status !== undefined && r.structured ? ` ${r.status}` : '';
  const rid = r.requestId ?? '';
  // A structured line's id is shown after its message; plain text may hold it already.
  // A multi-line record (a stack trace) is one row: its first line, and how many more it holds at
  // the end of the row, kept like the request id when the message is cut.
  const more = r.lines && r.lines > 1 ? ` [+${r.lines - 1} lines]` : '';
  const [message, tail] = r.structured
    ? [r.message, `${status}${rid && ` ${rid}`}${more}`]
    : [withoutOwnTime(firstLineOf(r.text), r.timeFromLine), more];
  const room = width - [...prefix].length;
  const fits = [...message].length + [...tail].length <= room;
  const seen =
    !r.structured &&
    rid !== '' &&
    message.includes(rid) &&
    [...message.slice(0, message.indexOf(rid) + rid.length)].length <= room - [...more].length;
  const kept = r.structured ? tail : `${rid && !seen ? ` ${rid}` : ''}${more}`;
  if (fits || kept === '') return cell(`${prefix}${message}${tail}`, width);
  if (room - [...kept].length < 8) return cell(`${prefix}${message}${tail}`, width);
  return cell(`${prefix}${cell(message, room - [...kept].length)}${kept}`, width);
}

/**
 * `text` broken into rows of at most `width` columns at spaces, a word longer than a row cut into
 * pieces: what must be read (a command to confirm, the data's account) is wrapped, never cut.
 */
export function wrapWords(text: string, width: number): string[] {
  if (width <= 0) return [text];
  // An indented line (triage's evidence under its question) keeps its indent on every row.
  const indent = /^ */.exec(text)?.[0] ?? '';
  if (indent && indent.length < width / 2)
    return wrapWords(text.slice(indent.length), width - indent.length).map((row) => indent + row);
  const rows: string[] = [];
  let row = '';
  for (const word of text.split(' ')) {
    let rest = [...word];
    const used = [...row].length;
    if (used > 0 && used + 1 + rest.length <= width) {
      row += ` ${word}`;
      continue;
    }
    if (used > 0) rows.push(row);
    while (rest.length > width) {
      rows.push(rest.slice(0, width).join(''));
      rest = rest.slice(width);
    }
    row = rest.join('');
  }
  rows.push(row);
  return rows;
}
