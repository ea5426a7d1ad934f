import { Box, Text } from 'ink';
import type { Alert, AlertRule } from '../src/model/alerts';
import { labelText } from '../src/model/alerts';
import { windowOf } from '../src/store/paneRows';
import { alertGroups, allAlerts, firingAlerts, ruleOf } from '../src/store/selectors';
import { formatDuration } from '../src/text/duration';
import { useColor, useConsole } from './ConsoleContext';
import { PaneTitle } from './PaneTitle';
import { cell, column } from './rows';

const SEVERITY_COLORS: Record<string, string> = {
  critical: 'red',
  page: 'red',
  error: 'red',
  warning: 'yellow',
};

/**
 * The selected group's alerts in full: state, start, every label and annotation (runbook_url
 * included), the most severe and oldest first. Labels and annotations were sanitized at the source.
 */
export function alertDetailLines(members: readonly Alert[], now: number, rule?: AlertRule): string[] {
  const ruleLines = rule
    ? [
        `rule ${rule.name} (${rule.group}), ${rule.state}, for ${formatDuration(rule.forMs)}: ${rule.query}`,
        '',
      ]
    : [];
  return ruleLines.concat(
    members.flatMap((a, i) => [
      ...(i > 0 ? [''] : []),
      `${a.state} ${a.severity} ${a.name} since ${new Date(a.startsAt).toISOString()} (${formatDuration(now - a.startsAt)})${a.silencedBy.length > 0 ? ` silenced by ${a.silencedBy.join(', ')}` : ''}`,
      `  labels: ${labelText(a.labels)}`,
      ...Object.entries(a.annotations).map(([k, v]) => `  ${k}: ${v}`),
    ]),
  );
}

/** How many alerts are in each state, the states named: a pending alert is not "quiet". */
export function stateCounts(alerts: readonly Alert[]): { state: Alert['state']; n: number }[] {
  const order: Alert['state'][] = ['firing', 'pending', 'silenced', 'inhibited'];
  return order
    .map((state) => ({ state, n: alerts.filter((a) => a.state === state).length }))
    .filter((c) => c.n > 0);
}

/** A group's N column: "1 pending", "3 firing", or "2f 1p" when its alerts differ. */
export function groupStateText(members: readonly Alert[]): string {
  const counts = stateCounts(members);
  if (counts.length === 1) return `${counts[0]?.n} ${counts[0]?.state}`;
  return counts.map((c) => `${c.n}${c.state[0]}`).join(' ');
}

/** The environment's alerts, grouped by name and service, most severe first, then the oldest. */
export function AlertsPane({ width, height }: { width: number; height: number }) {
  const color = useColor();
  const list = useConsole(allAlerts);
  const rows = useConsole((s) => alertGroups(s).rows);
  const query = useConsole((s) => s.ui.alertQuery);
  const unknown = useConsole((s) =>
    [
      s.alerts?.unknown && `Alertmanager: ${s.alerts.unknown}`,
      s.alertRules?.unknown && `Prometheus rules: ${s.alertRules.unknown}`,
    ]
      .filter(Boolean)
      .join('; '),
  );
  const rule = useConsole((s) => {
    const group = alertGroups(s).selected;
    return group ? ruleOf(s, group.name) : undefined;
  });
  const cursor = useConsole((s) => s.ui.alertCursor);
  const expanded = useConsole((s) => s.ui.alertExpanded);
  const now = useConsole((s) => s.now);
  const selected = Math.min(cursor, rows.length - 1);
  const free = Math.max(0, height - 2 - (unknown ? 1 : 0));
  // Expanded, the list keeps a third of the pane and the selected group's detail takes the rest.
  const detail = expanded && rows[selected] ? alertDetailLines(rows[selected].members, now, rule) : [];
  const space = detail.length > 0 ? Math.max(1, Math.floor(free / 3)) : free;
  const win = windowOf(rows.length, space, cursor);
  const firing = useConsole(firingAlerts);
  const hidden = win.above + win.below;
  const title = `Alerts (${rows.length} groups)${query ? ` /${query}` : ''}`;
  // Firing as the header counts it (not silenced); every other state by its own name.
  const others = stateCounts(list)
    .filter((c) => c.state !== 'firing')
    .map((c) => ` · ${c.n} ${c.state}`)
    .join('');
  const counts = `${firing} firing${others}${hidden > 0 ? ` · ${hidden} more` : ''}`;
  // The key hints go first when the line is short: the counts are what the operator came for.
  const hints = ' · Enter detail · s silence';
  const right = [...title].length + counts.length + hints.length + 6 <= width ? counts + hints : counts;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <PaneTitle index={6} title={title} focused width={width} right={right} />
      <Text wrap="truncate" dimColor>
        {cell(
          `${column('SEVERITY', 9)}${column('ALERT', 20)}${column('SERVICE', 11)}${column('N', 11)}${column('SINCE', 8)}SUMMARY`,
          width,
        )}
      </Text>
      {unknown && (
        <Text wrap="truncate" color={color('yellow')}>
          {cell(`alerts unknown, showing the last list: ${unknown}`, width)}
        </Text>
      )}
      {rows.length === 0 && (
        <Text wrap="truncate">{query ? `no alert matches "${query}" (/ to change)` : 'no alerts'}</Text>
      )}
      {rows.slice(win.start, win.end).map((r, i) => (
        <Text
          key={r.key}
          wrap="truncate"
          inverse={win.start + i === selected}
          color={color(r.firing > 0 ? (SEVERITY_COLORS[r.severity] ?? 'white') : 'gray')}
        >
          {cell(
            `${column(r.severity, 9)}${column(r.name, 20)}${column(r.service, 11)}${column(groupStateText(r.members), 11)}${column(formatDuration(now - r.since), 8)}${r.summary}`,
            width,
          )}
        </Text>
      ))}
      {detail.slice(0, Math.max(0, free - space)).map((l, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional
        <Text key={`d${i}`} wrap="truncate">
          {cell(l, width)}
        </Text>
      ))}
    </Box>
  );
}
