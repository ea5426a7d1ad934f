import { Box, Text } from 'ink';
import { useShallow } from 'zustand/react/shallow';
import type { ContainerStatus } from '../src/model/sourceEvents';
import { type ContainerRow, containerRows, windowOf } from '../src/store/paneRows';
import { sanitize } from '../src/text/sanitize';
import { useColor, useConsole } from './ConsoleContext';
import { PaneTitle } from './PaneTitle';
import { cell, containerHeader, containerRow } from './rows';

const STATE_COLORS: Record<ContainerStatus['state'], string> = {
  running: 'green',
  starting: 'yellow',
  restarting: 'yellow',
  exited: 'red',
  stopped: 'gray',
  unknown: 'gray',
};

/** What a row shows: a workload under its fold mark, a pod indented under its workload. */
function rowStatus(r: Exclude<ContainerRow, { kind: 'group' }>, manyHosts: boolean): ContainerStatus {
  if (r.kind === 'workload') return { ...r.status, name: `${r.expanded ? '▾' : '▸'} ${r.status.name}` };
  const c = r.container;
  if (r.nested) return { ...c, name: `  ${c.name}` };
  return manyHosts ? { ...c, name: `${c.host}/${c.name}` } : c;
}

export function ContainerPane({
  width,
  height,
  focused,
}: {
  width: number;
  height: number;
  focused: boolean;
}) {
  const color = useColor();
  const containers = useConsole(useShallow((s) => Object.values(s.containers)));
  // Hosts whose link is not up, said in words: a stale "running" is worse than "unknown".
  const troubled = useConsole(
    useShallow((s) =>
      Object.values(s.sources).filter((x) => x.state !== 'connected' && x.state !== 'stopped'),
    ),
  );
  const linkText = (t: (typeof troubled)[number]) =>
    `${t.id}: ${t.state}${t.nextTryAt ? ` (next try in ${Math.max(0, Math.round((t.nextTryAt - now) / 1000))}s)` : ''}${t.reason ? ` — ${t.reason}` : ''}`;
  const manyHosts = new Set(containers.map((c) => c.host)).size > 1;
  const now = useConsole((s) => s.now);
  const query = useConsole((s) => s.ui.containerQuery);
  const cursor = useConsole((s) => s.ui.containerCursor);
  const expectContainers = useConsole((s) => s.expected.containers);
  const collapsed = useConsole(useShallow((s) => s.ui.collapsedGroups));
  const workloads = useConsole((s) => s.workloads);
  const expanded = useConsole(useShallow((s) => s.ui.expandedWorkloads));
  const rows = containerRows(containers, query, collapsed, workloads, expanded);
  // Links in trouble come after the containers (problem-first), in the room those leave, at least one
  // row; more links than rows share the last one.
  const room = Math.max(0, height - 2);
  const linkSpace = troubled.length === 0 ? 0 : Math.min(troubled.length, Math.max(1, room - rows.length));
  const linkRow = (t: (typeof troubled)[number]) => ({
    key: t.id,
    text: linkText(t),
    failed: t.state === 'failed',
  });
  const shared = troubled.slice(Math.max(0, linkSpace - 1));
  const links =
    troubled.length <= linkSpace
      ? troubled.map(linkRow)
      : [
          ...troubled.slice(0, linkSpace - 1).map(linkRow),
          {
            key: 'more-links',
            text: `${shared.length} more links down: ${shared.map((t) => t.id).join(', ')}`,
            failed: shared.some((t) => t.state === 'failed'),
          },
        ];
  const space = Math.max(0, room - links.length);
  const win = windowOf(rows.length, space, cursor);
  const selected = Math.min(cursor, rows.length - 1);
  const shown = rows.slice(win.start, win.end);
  const hidden = win.above + win.below;
  const title = [
    query
      ? `${rows.filter((r) => r.kind !== 'group').length} of ${containers.length} "${sanitize(query)}"`
      : `${containers.length}`,
    hidden > 0 ? `${hidden} more ${win.above > 0 ? '↑' : ''}${win.below > 0 ? '↓' : ''}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <Box flexDirection="column" width={width} height={height}>
      <PaneTitle index={1} title="Containers" focused={focused} width={width} right={title} />
      <Text wrap="truncate" dimColor>
        {containerHeader(width)}
      </Text>
      {shown.length === 0 && troubled.length === 0 && (
        <Text wrap="truncate">
          {query
            ? `no container matches "${sanitize(query)}" (/ then Esc puts back the filter)`
            : expectContainers
              ? 'waiting for the first status…'
              : 'no container source configured (a host with docker: true or statusCommands)'}
        </Text>
      )}
      {shown.map((r, i) =>
        r.kind === 'group' ? (
          <Text key={r.key} wrap="truncate" bold inverse={focused && win.start + i === selected}>
            {cell(
              `${r.collapsed ? '▸' : '▾'} ${r.label} (${r.count}${r.problems > 0 ? `, ${r.problems} in trouble` : ''})`,
              width,
            )}
          </Text>
        ) : (
          <Text
            key={r.key}
            wrap="truncate"
            inverse={focused && win.start + i === selected}
            color={color(STATE_COLORS[(r.kind === 'workload' ? r.status : r.container).state])}
          >
            {containerRow(rowStatus(r, manyHosts), now, width)}
          </Text>
        ),
      )}
      {links.map((l) => (
        <Text key={l.key} wrap="truncate" color={color(l.failed ? 'red' : 'yellow')}>
          {l.text}
        </Text>
      ))}
    </Box>
  );
}
