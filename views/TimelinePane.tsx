import { Box, Text } from 'ink';
import { useShallow } from 'zustand/react/shallow';
import type { TimelineEntry } from '../src/model/incident';
import { visibleTimeline } from '../src/store/selectors';
import { useColor, useConsole } from './ConsoleContext';
import { WrappedDetail } from './DataDetail';
import { PaneTitle } from './PaneTitle';
import { cell, clockTime } from './rows';

/** The incident timeline: what was seen and done, from the journal, newest at the bottom. */
export function TimelinePane({ width, height }: { width: number; height: number }) {
  const color = useColor();
  const entries = useConsole(useShallow(visibleTimeline));
  const cursor = useConsole((s) => s.ui.timelineCursor);
  const filter = useConsole((s) => s.ui.timelineFilter);
  const active = useConsole((s) => s.incident.active);
  const rows = Math.max(0, height - 1);
  const start = Math.max(0, Math.min(cursor - Math.floor(rows / 2), entries.length - rows));
  const shown = entries.slice(start, start + rows);
  const title = active ? `Timeline ${active.id}` : 'Timeline';
  return (
    <Box flexDirection="column" width={width} height={height}>
      <PaneTitle
        index={4}
        title={title}
        focused
        width={width}
        right={filter ? `only ${filter} (F)` : `${entries.length} events`}
      />
      {!active && (
        <Text wrap="truncate">
          No incident yet. D declares one; what was seen before is recorded with it.
        </Text>
      )}
      {shown.map((e, i) => {
        const selected = start + i === cursor;
        const marks = `${selected ? '▶' : ' '}${e.starred ? '★' : ' '}${e.actionItem ? '!' : ' '}`;
        const evidence = e.evidence ? ` — ${e.evidence}` : '';
        const tint = e.kind === 'rule.fired' ? 'red' : e.kind.startsWith('step') ? 'cyan' : undefined;
        return (
          <Text key={e.seq} wrap="truncate" inverse={selected} color={tint ? color(tint) : undefined}>
            {cell(`${marks}${clockTime(e.at)} ${e.text}${evidence}`, width)}
          </Text>
        );
      })}
    </Box>
  );
}

/** A timeline entry whole: the row cuts its text and evidence at the screen's width. */
export function timelineEntryLines(e: TimelineEntry | undefined): string[] {
  if (!e) return ['No event is selected.'];
  const marks = [e.starred && 'starred', e.actionItem && 'an action item'].filter(Boolean).join(', ');
  return [
    `${new Date(e.at).toISOString()} · ${e.kind}${marks ? ` · ${marks}` : ''}`,
    '',
    e.text,
    ...(e.evidence ? ['', `evidence: ${e.evidence}`] : []),
  ];
}

/** Enter in the timeline: the selected event in full, wrapped (Esc closes). */
export function TimelineDetail({ width, height }: { width: number; height: number }) {
  const entry = useConsole((s) => visibleTimeline(s)[s.ui.timelineCursor]);
  return (
    <WrappedDetail
      title="Timeline event (Esc closes)"
      lines={timelineEntryLines(entry)}
      width={width}
      height={height}
    />
  );
}
