import type { ServiceSignalsView } from '../metrics/serviceSignals';
import { type Alert, alertOrder, labelText } from '../model/alerts';
import { type ContainerStatus, type WorkloadStatus, workloadKeyOf } from '../model/sourceEvents';
import type { ConsoleState } from './consoleStore';

/** Names in natural order: scale2 before scale10. */
const natural = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** How urgently a container wants a look: 0 is worst. */
export function containerUrgency(c: ContainerStatus): number {
  if (c.state === 'exited' || c.oomKilled) return 0;
  if (c.state === 'restarting') return 1;
  if (c.health === 'unhealthy') return 2;
  if (c.state === 'unknown') return 3;
  if (c.restarts >= 3) return 4;
  if (c.state === 'starting' || c.health === 'starting') return 5;
  if (c.state === 'stopped') return 7;
  return 6;
}

/** Whether `query` (words, all must match) is in the row's text; empty matches everything. */
export function matchesQuery(text: string, query: string): boolean {
  const hay = text.toLowerCase();
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((w) => hay.includes(w));
}

export type ContainerRow =
  | { kind: 'group'; key: string; label: string; count: number; problems: number; collapsed: boolean }
  /** A container, or (nested) one pod of an unfolded workload. */
  | { kind: 'container'; key: string; container: ContainerStatus; nested?: boolean }
  /**
   * A Kubernetes workload folded into one row: `status` is its worst pod's, named with ready/desired
   * and carrying the pods' restarts together.
   */
  | {
      kind: 'workload';
      key: string;
      workload: string;
      status: ContainerStatus;
      pods: number;
      expanded: boolean;
    };

/** One thing the pane orders: a container, or a workload with its pods. */
interface PaneUnit {
  group: string;
  head: ContainerStatus;
  rows: ContainerRow[];
}

const byUrgency = (a: ContainerStatus, b: ContainerStatus) =>
  containerUrgency(a) - containerUrgency(b) || natural.compare(a.name, b.name);

const containerText = (c: ContainerStatus) =>
  `${c.host} ${c.name} ${c.compose?.project ?? ''} ${c.compose?.service ?? ''} ${c.state} ${c.health} ${c.reason ?? ''} ${c.version ?? ''}`;

/** A workload's row: its worst pod's state under the workload's name and ready/desired. */
export function workloadHead(
  key: string,
  pods: readonly ContainerStatus[],
  w?: WorkloadStatus,
): ContainerStatus {
  const [worst] = [...pods].sort(byUrgency);
  const desired = w?.desired ?? pods.length;
  const ready = w?.ready ?? pods.filter((p) => p.health === 'healthy').length;
  const [host = '', project = '', service = ''] = w ? [w.cluster, w.namespace, w.name] : key.split('/');
  // No pod in sight: the controller's counts say whether that is a problem or a scale-down.
  const base: ContainerStatus = worst ?? {
    id: key,
    name: service,
    host,
    kind: 'kubernetes',
    state: desired === 0 ? 'stopped' : ready >= desired ? 'running' : 'starting',
    health: desired === 0 ? 'none' : ready >= desired ? 'healthy' : 'unhealthy',
    restarts: 0,
    ...(desired === 0 ? { reason: 'scaled to 0' } : ready === 0 && { reason: 'no pods ready' }),
  };
  const short = ready < desired && base.health === 'healthy';
  return {
    ...base,
    id: key,
    name: `${service} ${ready}/${desired}`,
    ...(short && { health: 'starting' as const }),
    restarts: pods.reduce((n, p) => n + p.restarts, 0),
    compose: { project, service },
  };
}

/**
 * The containers pane as rows: filtered by the typed query, grouped by host and compose project
 * (a header per group when there is more than one), groups and their members ordered problem-first
 * then by natural name, so the most urgent rows are always on the first screen. Kubernetes pods are
 * folded into one row per workload, unfolded (`expanded`) into its pods.
 */
export function containerRows(
  containers: readonly ContainerStatus[],
  query = '',
  collapsed: readonly string[] = [],
  workloads: Readonly<Record<string, WorkloadStatus>> = {},
  expanded: readonly string[] = [],
): ContainerRow[] {
  const units: PaneUnit[] = [];
  const podsOf = new Map<string, ContainerStatus[]>();
  for (const w of Object.keys(workloads)) podsOf.set(w, []);
  for (const c of containers) {
    const key = workloadKeyOf(c);
    if (key) podsOf.set(key, [...(podsOf.get(key) ?? []), c]);
    else if (matchesQuery(containerText(c), query))
      units.push({
        group: c.compose ? `${c.host}/${c.compose.project}` : c.host,
        head: c,
        rows: [{ kind: 'container', key: c.id, container: c }],
      });
  }
  for (const [key, pods] of podsOf) {
    const head = workloadHead(key, pods, workloads[key]);
    const shown = pods.filter((p) => matchesQuery(containerText(p), query));
    if (shown.length === 0 && !matchesQuery(`${containerText(head)} ${workloads[key]?.kind ?? ''}`, query))
      continue;
    const open = expanded.includes(key);
    units.push({
      group: `${head.host}/${head.compose?.project}`,
      head,
      rows: [
        {
          kind: 'workload',
          key: `workload:${key}`,
          workload: key,
          status: head,
          pods: pods.length,
          expanded: open,
        },
        ...(open
          ? (shown.length > 0 ? shown : pods)
              .sort(byUrgency)
              .map((c) => ({ kind: 'container' as const, key: c.id, container: c, nested: true }))
          : []),
      ],
    });
  }
  const groups = new Map<string, PaneUnit[]>();
  for (const u of units) groups.set(u.group, [...(groups.get(u.group) ?? []), u]);
  const ordered = [...groups.entries()]
    .map(([key, members]) => ({ key, members: members.sort((a, b) => byUrgency(a.head, b.head)) }))
    .sort(
      (a, b) =>
        containerUrgency((a.members[0] as PaneUnit).head) -
          containerUrgency((b.members[0] as PaneUnit).head) || natural.compare(a.key, b.key),
    );
  if (ordered.length <= 1) return (ordered[0]?.members ?? []).flatMap((u) => u.rows);
  return ordered.flatMap(({ key, members }) => {
    const folded = collapsed.includes(key);
    return [
      {
        kind: 'group' as const,
        key: `group:${key}`,
        label: key,
        count: members.length,
        problems: members.filter((u) => containerUrgency(u.head) < 5).length,
        collapsed: folded,
      },
      ...(folded ? [] : members.flatMap((u) => u.rows)),
    ];
  });
}

/** The containers pane's rows for the console's state. */
export function containerRowsOf(s: ConsoleState): ContainerRow[] {
  return containerRows(
    Object.values(s.containers),
    s.ui.containerQuery,
    s.ui.collapsedGroups,
    s.workloads,
    s.ui.expandedWorkloads,
  );
}

/** How urgently a service wants a look: firing, then pending, then unknown, then fine. */
function serviceUrgency(v: ServiceSignalsView): number {
  if (v.rules.some((r) => r.state === 'firing')) return 0;
  if (v.rules.some((r) => r.state === 'pending')) return 1;
  if (v.unknownReason) return 2;
  return 3;
}

/** The error-rate pane's services: filtered, problem-first, then by natural name. */
export function serviceRows(signals: readonly ServiceSignalsView[], query = ''): ServiceSignalsView[] {
  return signals
    .filter((v) => matchesQuery(v.service, query))
    .sort((a, b) => serviceUrgency(a) - serviceUrgency(b) || natural.compare(a.service, b.service));
}

/**
 * The slice of `total` rows a pane of `height` rows shows around `cursor`, and how many are hidden
 * above and below (said in the pane's title, so nothing is silently off screen).
 */
export function windowOf(
  total: number,
  height: number,
  cursor: number,
): { start: number; end: number; above: number; below: number } {
  const rows = Math.max(0, height);
  const at = Math.max(0, Math.min(cursor, total - 1));
  const start = Math.max(0, Math.min(at - rows + 1, total - rows));
  const from = Math.max(0, Math.min(start, at));
  const end = Math.min(total, from + rows);
  return { start: from, end, above: from, below: total - end };
}

/** The alerts filter, shared by the alerts view and `opsconsole alerts --filter`: name, labels, state. */
export function alertMatchesQuery(a: Alert, query: string): boolean {
  return matchesQuery(`${a.name} ${labelText(a.labels)} ${a.state}`, query);
}

/** One row of the alerts view: the alerts of one name and service together. */
export interface AlertGroupRow {
  key: string;
  name: string;
  service: string;
  severity: string;
  count: number;
  firing: number;
  quiet: number;
  since: number;
  summary: string;
  /** The group's alerts, most severe and oldest first. */
  members: Alert[];
}

/**
 * The alerts view's rows: grouped by alert name and service, most severe first, then the
 * longest-standing; filtered by words in the name and labels.
 */
export function alertRows(alerts: readonly Alert[], query = ''): AlertGroupRow[] {
  const groups = new Map<string, Alert[]>();
  for (const a of alerts) {
    if (!alertMatchesQuery(a, query)) continue;
    const service = a.labels.service ?? a.labels.job ?? '';
    const key = `${a.name}|${service}`;
    const group = groups.get(key);
    if (group) group.push(a);
    else groups.set(key, [a]);
  }
  return [...groups.entries()]
    .map(([key, members]) => {
      const sorted = [...members].sort(alertOrder);
      const worst = sorted[0] as Alert;
      return {
        key,
        name: worst.name,
        service: worst.labels.service ?? worst.labels.job ?? '',
        severity: worst.severity,
        count: members.length,
        firing: members.filter((a) => a.state === 'firing').length,
        quiet: members.filter((a) => a.state === 'silenced' || a.state === 'inhibited').length,
        since: Math.min(...members.map((a) => a.startsAt)),
        summary: members.find((a) => a.annotations.summary)?.annotations.summary ?? '',
        members: sorted,
        worst,
      };
    })
    .sort((a, b) => alertOrder({ ...a.worst, startsAt: a.since }, { ...b.worst, startsAt: b.since }))
    .map(({ worst: _, ...row }) => row);
}
