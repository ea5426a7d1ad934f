import type { Reducer } from './draft';

/** Containers, pods and workloads: the status pane's rows, and what their changes tell. */

export const containerSeen: Reducer<'container'> = (draft, e, ctx) => {
  draft.containers.set(e.status.id, e.status);
  const release = ctx.releases.container(e.status, ctx.now);
  if (release) draft.notable.push(release);
  const change = ctx.containerChanges.observe(e.status, ctx.now);
  if (change) draft.notable.push(change);
  if (ctx.containerHealth.observe(e.status, ctx.now)) draft.signalsChanged = true;
};

export const containerRemoved: Reducer<'container-removed'> = (draft, e, ctx) => {
  if (ctx.containerHealth.removed(e.id)) draft.signalsChanged = true;
  draft.containers.remove(e.id);
};

export const workloadSeen: Reducer<'workload'> = (draft, e) => {
  draft.workloads.set(e.status.id, e.status);
};

export const workloadRemoved: Reducer<'workload-removed'> = (draft, e) => {
  draft.workloads.remove(e.id);
};

export const clusterEvent: Reducer<'cluster-event'> = (draft, e, ctx) => {
  const notable = ctx.clusterEvents.observe(e);
  if (notable) draft.notable.push(notable);
};
