import { useShallow } from 'zustand/react/shallow';
import { compileFilter, matchesFilter } from '../src/logs/logFilter';
import type { LogRecord } from '../src/logs/logRecord';
import type { ContainerDetail, DescribeSubject } from '../src/model/containerDetail';
import type { ConsoleState } from '../src/store/consoleStore';
import { useConsole } from './ConsoleContext';
import { WrappedDetail } from './DataDetail';
import { eventLines, podDetailLines, workloadDetailLines } from './kubernetesDetailLines';
import { clockTime, formatBytes, logRow } from './rows';

/** What `docker inspect` says that matters at 3 a.m., as lines, the state and its reason first. */
export function containerDetailLines(d: ContainerDetail): string[] {
  const state = [
    d.state,
    d.exitCode !== undefined &&
      `exit ${d.exitCode}${d.exitCode === 137 ? ' (SIGKILL)' : d.exitCode === 143 ? ' (SIGTERM)' : ''}`,
    d.oomKilled && 'OOMKilled',
    d.startedAt !== undefined && d.state === 'running' && `since ${clockTime(d.startedAt)}`,
    d.finishedAt !== undefined && d.state !== 'running' && `at ${clockTime(d.finishedAt)}`,
  ].filter(Boolean);
  const lines = [
    `state: ${state.join(', ')}`,
    ...(d.error ? [`engine error: ${d.error}`] : []),
    `restarts: ${d.restarts}${d.restartPolicy ? ` (policy ${d.restartPolicy})` : ''}`,
    `image: ${d.image}${d.imageId ? ` (${d.imageId.slice(0, 19)})` : ''}`,
  ];
  if (d.health) {
    lines.push(
      '',
      `health: ${d.health.status}, failing ${d.health.failingStreak} in a row; check: ${d.health.command || '(none)'}`,
      ...d.health.runs.map((r) => `  ${clockTime(r.at)} exit ${r.exitCode}: ${r.output || '(no output)'}`),
    );
  }
  const limits = [
    d.limits.memoryBytes !== undefined && `memory ${formatBytes(d.limits.memoryBytes)}`,
    d.limits.cpus !== undefined && `${d.limits.cpus} CPUs`,
  ].filter(Boolean);
  lines.push(
    '',
    `limits: ${limits.join(', ') || 'none'}`,
    `ports: ${d.ports.join(', ') || 'none'}`,
    `mounts: ${d.mounts.join(', ') || 'none'}`,
    `labels: ${d.labels.length === 0 ? 'none' : ''}`,
    ...d.labels.map(([k, v]) => `  ${k}=${v}`),
  );
  if (d.events)
    lines.push('', ...eventLines(d.events, 'the engine keeps them while it runs; the last hour is asked'));
  return lines;
}

/** Its own lines as the log pane draws them, through the filter typed with `/`. */
function logLines(
  logs: readonly LogRecord[],
  query: string | undefined,
  name: string,
  width: number,
): string[] {
  if (logs.length === 0) return [`${name} has logged nothing`];
  const { filter } = compileFilter(query ?? '');
  const shown = filter ? logs.filter((r) => matchesFilter(r, filter)) : logs;
  if (shown.length === 0) return [`none of its ${logs.length} lines match "${query}"`];
  return shown.map((r) => logRow(r, width, Math.min(12, name.length)));
}

/** What the describe view shows, a row each at `width`: the detail, or its own lines filtered. */
export function describeLines(s: ConsoleState, width: number): string[] {
  const c = s.ui.container;
  if (!c) return [];
  const { name, host } = c.subject;
  if (c.logs) return logLines(c.logs, c.logQuery, name, width);
  if (c.error) return [`could not describe ${name}: ${c.error}`];
  const d = c.described;
  if (!d)
    return [
      `asking ${c.subject.kind === 'container' ? `the engine on ${host}` : `the cluster ${host}`} about ${name}…`,
    ];
  if (d.kind === 'pod') return podDetailLines(d.detail);
  if (d.kind === 'workload') return workloadDetailLines(d.detail);
  return containerDetailLines(d.detail);
}

/** What each kind of subject can be asked in the describe view, for its title. */
const KEYS: Record<DescribeSubject['kind'], string> = {
  container: 'l logs · R restart · S stop · U start · Esc',
  pod: 'l logs · D delete · Esc',
  workload: 'R restart · s scale · Esc',
};

export function describeTitle(s: ConsoleState): string {
  const c = s.ui.container;
  if (!c) return '';
  const { subject } = c;
  const where =
    subject.kind === 'container'
      ? `${subject.host}/${subject.name}`
      : `${subject.kind === 'workload' ? `${subject.workload.toLowerCase()}/` : 'pod/'}${subject.name} in ${subject.host}/${subject.namespace}`;
  if (!c.logs) return `${where} · ${KEYS[subject.kind]}`;
  const filtered = c.logQuery ? ` matching ${c.logQuery}` : '';
  return `${where} · its ${c.logs.length} lines${filtered} · / filter · l detail · Esc`;
}

/** Enter on a container or pod, d on a workload: its describe view (j/k scroll, Esc closes). */
export function ContainerDetailView({ width, height }: { width: number; height: number }) {
  const title = useConsole(describeTitle);
  const showingLogs = useConsole((s) => s.ui.container?.logs !== undefined);
  const scroll = useConsole((s) => s.ui.container?.scroll ?? 0);
  const lines = useConsole(useShallow((s: ConsoleState) => describeLines(s, Math.max(10, width - 4))));
  // Its logs end at the bottom, newest last, as a log pane does.
  return (
    <WrappedDetail
      title={title}
      lines={lines}
      width={width}
      height={height}
      scroll={scroll}
      fromBottom={showingLogs}
    />
  );
}
