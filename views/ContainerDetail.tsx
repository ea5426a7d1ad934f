import { useShallow } from 'zustand/react/shallow';
import type { ContainerDetail, DescribeSubject } from '../src/model/containerDetail';
import type { ConsoleState } from '../src/store/consoleStore';
import { useConsole } from './ConsoleContext';
import { WrappedDetail } from './DataDetail';
import { eventLines, podDetailLines, workloadDetailLines } from './kubernetesDetailLines';
import { clockTime, formatBytes } from './rows';

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

function linesOf(s: ConsoleState): string[] {
  const c = s.ui.container;
  if (!c) return [];
  const { name, host } = c.subject;
  if (c.logs) return c.logs.length === 0 ? [`${name} has logged nothing`] : c.logs;
  if (c.error) return [`could not describe ${name}: ${c.error}`];
  const d = c.described;
  if (!d)
    return [
      `asking ${c.subject.kind === 'docker' ? `the engine on ${host}` : `the cluster ${host}`} about ${name}…`,
    ];
  if (d.kind === 'pod') return podDetailLines(d.detail);
  if (d.kind === 'workload') return workloadDetailLines(d.detail);
  return containerDetailLines(d.detail);
}

/** What each kind of subject can be asked in the describe view, for its title. */
const KEYS: Record<DescribeSubject['kind'], string> = {
  docker: 'l logs · R restart · S stop · U start · Esc',
  pod: 'l logs · D delete · Esc',
  workload: 'R restart · s scale · Esc',
};

function titleOf(s: ConsoleState): string {
  const c = s.ui.container;
  if (!c) return '';
  const { subject } = c;
  const where =
    subject.kind === 'docker'
      ? `${subject.host}/${subject.name}`
      : `${subject.kind === 'workload' ? `${subject.workload.toLowerCase()}/` : 'pod/'}${subject.name} in ${subject.host}/${subject.namespace}`;
  return c.logs
    ? `${where} · its own logs · l: back to its detail · Esc`
    : `${where} · ${KEYS[subject.kind]}`;
}

/** Enter on a container or pod, d on a workload: its describe view (j/k scroll, Esc closes). */
export function ContainerDetailView({ width, height }: { width: number; height: number }) {
  const title = useConsole(titleOf);
  const showingLogs = useConsole((s) => s.ui.container?.logs !== undefined);
  const scroll = useConsole((s) => s.ui.container?.scroll ?? 0);
  const lines = useConsole(useShallow(linesOf));
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
