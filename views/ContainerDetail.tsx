import { useShallow } from 'zustand/react/shallow';
import type { ContainerDetail } from '../src/model/containerDetail';
import type { ConsoleState } from '../src/store/consoleStore';
import { useConsole } from './ConsoleContext';
import { WrappedDetail } from './DataDetail';
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
  return lines;
}

function linesOf(s: ConsoleState): string[] {
  const c = s.ui.container;
  if (!c) return [];
  if (c.logs) return c.logs.length === 0 ? [`${c.name} has logged nothing`] : c.logs;
  if (c.error) return [`could not describe ${c.name}: ${c.error}`];
  if (!c.detail) return [`asking the engine on ${c.host} about ${c.name}…`];
  return containerDetailLines(c.detail);
}

/** Enter on a container: its describe view (R restart, S stop, U start, Esc closes). */
export function ContainerDetailView({ width, height }: { width: number; height: number }) {
  const title = useConsole((s) => (s.ui.container ? `${s.ui.container.host}/${s.ui.container.name}` : ''));
  const showingLogs = useConsole((s) => s.ui.container?.logs !== undefined);
  const lines = useConsole(useShallow(linesOf));
  // Its logs end at the bottom, newest last, as a log pane does.
  const rows = Math.max(0, height - 3);
  return (
    <WrappedDetail
      title={
        showingLogs
          ? `${title} · its own logs · l: back to its detail · Esc`
          : `${title} · l logs · R restart · S stop · U start · Esc`
      }
      lines={showingLogs ? lines.slice(-rows) : lines}
      width={width}
      height={height}
    />
  );
}
