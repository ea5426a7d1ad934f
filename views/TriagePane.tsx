import { Box, Text } from 'ink';
import { type PlaybookNodeView, stepSucceeded } from '../src/model/playbookView';
import { formatDuration } from '../src/text/duration';
import { useColor, useConsole } from './ConsoleContext';
import { dataAccount } from './dataAccount';
import { PaneTitle } from './PaneTitle';
import { cell, clockTime, wrapWords } from './rows';

/** One line of the triage pane; `keys` marks the keys line, which stays on screen when others cannot. */
export interface TriageLine {
  text: string;
  tone?: 'alert' | 'ok' | 'dim' | 'strong';
  keys?: boolean;
}

/** The lines the triage pane shows for one node: pure, so layout is testable without rendering. */
export function triageLines(v: PlaybookNodeView, now: number): TriageLine[] {
  const out: TriageLine[] = [];
  switch (v.kind) {
    case 'question': {
      out.push({ text: `Q: ${v.text}`, tone: 'strong' });
      if (v.help) out.push({ text: `   ${v.help}`, tone: 'dim' });
      if (v.proposal) {
        const says =
          v.proposal.verdict === 'unknown'
            ? 'The data cannot tell'
            : `Data says ${v.proposal.verdict.toUpperCase()}`;
        out.push({
          text: `   ${says}: ${v.proposal.evidence.join('; ')}`,
          tone: v.proposal.verdict === 'yes' ? 'alert' : undefined,
        });
      } else {
        out.push({ text: '   No live data answers this: your call.', tone: 'dim' });
      }
      const keys = v.choices.map((c) => `${c.key} ${c.label}`).join(' · ');
      const accept =
        v.proposal && v.proposal.verdict !== 'unknown'
          ? " · Enter accept the data · a the data's answers in a row"
          : '';
      out.push({ text: `   ${keys}${accept}`, keys: true });
      break;
    }
    case 'checklist':
      out.push({ text: `Checklist: ${v.text}`, tone: 'strong' });
      for (const [i, c] of v.checklist.entries()) {
        out.push({
          text: `   [${c.ticked ? 'x' : ' '}] ${i + 1} ${c.item}`,
          tone: c.ticked ? 'ok' : undefined,
        });
      }
      out.push({
        text: '   1-9 tick · Enter go on (unticked items are noted) · s skip',
        tone: 'dim',
        keys: true,
      });
      break;
    case 'command':
    case 'shell': {
      const c = v.command;
      out.push({
        text: `Step: ${v.text}${c?.destructive ? '  [DESTRUCTIVE: you will type a name]' : ''}`,
        tone: 'strong',
      });
      if (c && c.missing.length > 0)
        out.push({
          text: `   needs a value for ${c.missing.map((m) => `{{${m}}}`).join(', ')} (r asks)`,
          tone: 'alert',
        });
      else if (c) out.push({ text: `   on ${c.host}: ${c.argv.join(' ')}` });
      if (c && !c.reviewed)
        out.push({
          text: '   imported and not reviewed: it will not run until reviewed: true',
          tone: 'alert',
        });
      if (v.running) out.push({ text: '   running… Ctrl-C stops it', tone: 'alert' });
      const r = v.lastResult;
      if (r) {
        const status = r.dryRun
          ? 'dry run, nothing executed'
          : `exit ${r.exitCode} in ${formatDuration(r.durationMs)}${r.timedOut ? ', timed out' : ''}${r.cancelled ? ', cancelled' : ''}`;
        out.push({ text: `   result: ${status}`, tone: r.exitCode === 0 ? 'ok' : 'alert' });
        for (const line of r.output.split('\n').filter(Boolean).slice(-3))
          out.push({ text: `   │ ${line}`, tone: 'dim' });
        out.push({
          text: stepSucceeded(r)
            ? '   Enter go on · r run again · s skip'
            : '   r run again · s skip (its checks then fail: nothing was verified)',
          tone: 'dim',
          keys: true,
        });
      } else {
        out.push({
          text: `   r run · d dry run (${c?.dryRun ? 'ON' : 'off'}) · s skip`,
          tone: 'dim',
          keys: true,
        });
      }
      break;
    }
    case 'verify': {
      const ver = v.verify;
      out.push({ text: `Verify: ${v.text}`, tone: 'strong' });
      if (ver) {
        const left = Math.max(0, ver.deadline - now);
        const state = ver.failed
          ? 'FAILED: not reached in time (Enter goes on; the run will say it is not verified)'
          : ver.evaluation.verdict === 'yes'
            ? 'passed'
            : `waiting, ${formatDuration(left)} left`;
        out.push({ text: `   only the data since ${clockTime(ver.since)} counts:`, tone: 'dim' });
        for (const e of ver.evaluation.evidence.length > 0 ? ver.evaluation.evidence : ['no data yet'])
          out.push({ text: `   · ${e}` });
        out.push({
          text: `   ${state}`,
          tone: ver.failed ? 'alert' : ver.evaluation.verdict === 'yes' ? 'ok' : undefined,
        });
      }
      out.push({
        text: '   checked every second · s skip (then it is not verified)',
        tone: 'dim',
        keys: true,
      });
      break;
    }
    case 'outcome': {
      out.push({ text: `Outcome: ${v.text}`, tone: 'strong' });
      if (v.outcome?.summary) out.push({ text: `   ${v.outcome.summary}` });
      const watch = v.outcome?.watch;
      if (watch) {
        const holds = watch.evaluation.verdict === 'yes';
        out.push({
          text: `   ${holds ? 'It holds now: roll back' : 'Watching'}: ${watch.evaluation.evidence.join('; ')}`,
          tone: holds ? 'alert' : undefined,
        });
      }
      out.push({
        text: v.outcome?.next
          ? `   Enter: ${watch ? 'roll back now, with' : 'continue with'} the ${v.outcome.next} playbook`
          : '   End of the playbook. T walks the triage again · : opens a playbook by name',
        tone: 'dim',
      });
      break;
    }
  }
  if (v.trail.length > 0) {
    // The latest answers: the whole trail is in the timeline, the pane keeps room for the node.
    const recent = v.trail.slice(-3);
    out.push({ text: `So far: ${v.trail.length > 3 ? '… · ' : ''}${recent.join(' · ')}`, tone: 'dim' });
  }
  return out;
}

export function TriagePane({ width, height }: { width: number; height: number }) {
  const color = useColor();
  const view = useConsole((s) => s.triage);
  const now = useConsole((s) => s.now);
  const tones = { alert: 'red', ok: 'green', dim: 'gray', strong: undefined } as const;
  const diagnosis = useConsole(dataAccount);
  const lines = [
    // The data's account first: the question below is easier to answer knowing it.
    ...(diagnosis ? [{ text: `Data: ${diagnosis}`, tone: 'strong' as const, context: true }] : []),
    ...(view ? triageLines(view, now) : [{ text: 'No triage under way: T starts one.' }]),
  ];
  const budget = Math.max(0, height - 1);
  const rows = fitTriageRows(lines, width, budget);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <PaneTitle
        index={5}
        title={view ? `Triage · ${view.playbookTitle}` : 'Triage'}
        focused
        width={width}
        right={view?.command?.dryRun ? 'DRY RUN' : 'i in full · Esc dashboard'}
      />
      {rows.slice(0, budget).map((l, i) => (
        <Text
          // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional
          key={i}
          wrap="truncate"
          bold={l.tone === 'strong'}
          color={l.tone && tones[l.tone] ? color(tones[l.tone] as string) : undefined}
        >
          {cell(l.text, width)}
        </Text>
      ))}
    </Box>
  );
}

/**
 * The pane's rows within `budget`: evidence and commands wrapped, not cut; if that overflows, the
 * data's account and the trail (both in full under `i`) give their extra rows back first; then the
 * evidence gives way, said so, and the keys line (what to press next) stays.
 */
export function fitTriageRows(lines: (TriageLine & { context?: boolean })[], width: number, budget: number) {
  const wrapped = (shortened: boolean) =>
    lines.flatMap((l) =>
      (shortened && (l.context || l.text.startsWith('So far:')) ? [l.text] : wrapWords(l.text, width)).map(
        (text) => ({ ...l, text }),
      ),
    );
  const fitted = wrapped(false).length <= budget ? wrapped(false) : wrapped(true);
  if (fitted.length <= budget) return fitted;
  const keyRows = fitted.filter((l) => l.keys);
  return [
    ...fitted.filter((l) => !l.keys).slice(0, Math.max(0, budget - keyRows.length - 1)),
    { text: '   … more: i shows it all', tone: 'dim' as const },
    ...keyRows,
  ].slice(-budget);
}
