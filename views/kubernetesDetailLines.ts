import type { DetailCondition, DetailEvent, PodDetail, WorkloadDetail } from '../src/model/podDetail';
import { clockTime } from './rows';

/** Conditions in a line, the failing ones with why: `Ready ✗ (ContainersNotReady)`. */
function conditionsLine(conditions: readonly DetailCondition[]): string {
  if (conditions.length === 0) return 'conditions: none reported';
  return `conditions: ${conditions.map((c) => `${c.type} ${c.ok ? '✓' : `✗${c.reason ? ` (${c.reason})` : ''}`}`).join(', ')}`;
}

/** A failing condition's message, which says what to do more often than its reason. */
const conditionMessages = (conditions: readonly DetailCondition[]) =>
  conditions.filter((c) => !c.ok && c.message).map((c) => `  ${c.type}: ${c.message}`);

/** The events, newest last as kubectl lists them, warnings marked. */
export function eventLines(
  events: readonly DetailEvent[],
  kept = 'the API keeps them about an hour',
): string[] {
  if (events.length === 0) return [`events: none (${kept})`];
  return [
    `events (${events.length}, newest last):`,
    ...events.map(
      (e) =>
        `  ${e.at ? clockTime(e.at) : '--:--:--'} ${e.warning ? 'WARN ' : ''}${e.reason}${e.count > 1 ? ` ×${e.count}` : ''}: ${e.message}`,
    ),
  ];
}

const quantities = (q: readonly [string, string][]) => q.map(([k, v]) => `${k}=${v}`).join(' ');

/** What `kubectl describe pod` shows that matters at 3 a.m.: state and why first, events last. */
export function podDetailLines(d: PodDetail): string[] {
  const lines = [
    `pod: ${d.phase}${d.node ? ` on ${d.node}` : ''}${d.startedAt ? ` since ${clockTime(d.startedAt)}` : ''}${d.owner ? ` · ${d.owner}` : ''}`,
    conditionsLine(d.conditions),
    ...conditionMessages(d.conditions),
  ];
  for (const c of d.containers) {
    const state = [
      `${c.state}${c.reason ? ` (${c.reason})` : ''}`,
      c.exitCode !== undefined && `exit ${c.exitCode}`,
      c.since !== undefined && `since ${clockTime(c.since)}`,
      `${c.restarts} restart${c.restarts === 1 ? '' : 's'}`,
      c.ready ? 'ready' : 'not ready',
    ].filter(Boolean);
    lines.push('', `container ${c.name}: ${state.join(', ')}`, `  image: ${c.image}`);
    if (c.last) {
      const how = [c.last.reason, c.last.exitCode !== undefined && `exit ${c.last.exitCode}`]
        .filter(Boolean)
        .join(', ');
      lines.push(
        `  last run ended: ${how || 'terminated'}${c.last.finishedAt ? ` at ${clockTime(c.last.finishedAt)}` : ''}`,
      );
    }
    if (c.limits.length + c.requests.length > 0)
      lines.push(
        `  limits: ${quantities(c.limits) || 'none'}; requests: ${quantities(c.requests) || 'none'}`,
      );
  }
  lines.push('', ...eventLines(d.events), '', `labels: ${quantities(d.labels) || 'none'}`);
  return lines;
}

/** What `kubectl describe deployment|statefulset` shows that matters: replicas, rollout, events. */
export function workloadDetailLines(d: WorkloadDetail): string[] {
  const r = d.replicas;
  return [
    `${d.kind}: ${r.ready}/${r.desired} ready, ${r.updated} updated, ${r.available} available${d.revision === undefined ? '' : `, revision ${d.revision}`}${d.paused ? ', PAUSED' : ''}`,
    ...(d.strategy ? [`strategy: ${d.strategy}`] : []),
    `images: ${d.images.join(', ') || 'none'}`,
    `selector: ${d.selector || 'none'}`,
    conditionsLine(d.conditions),
    ...conditionMessages(d.conditions),
    '',
    ...eventLines(d.events),
  ];
}
