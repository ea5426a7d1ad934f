import type { SourceEvent } from '../../model/sourceEvents';
import { sanitize } from '../../text/sanitize';
import { revisionNumber } from '../kubernetesApi';
import { imageVersion } from './imageReference';
import { timeOf } from './kubernetesTime';

/** A ReplicaSet: the fields the console reads. */
export interface ReplicaSetLike {
  metadata?: {
    name?: string;
    namespace?: string;
    creationTimestamp?: string | Date;
    annotations?: Record<string, string>;
    ownerReferences?: { kind?: string; name?: string }[];
  };
  spec?: { template?: { spec?: { containers?: { image?: string }[] } } };
}

/** How far back a rollout found in the first list still counts as a release (it may be the cause). */
const RECENT_ROLLOUT_MS = 30 * 60_000;
const tagOf = (image: string | undefined) => (image ? (imageVersion(image) ?? image) : image);

/**
 * Each Deployment's ReplicaSets by revision (the `deployment.kubernetes.io/revision` annotation):
 * one of a higher revision than any seen is a rollout, reported as a release from the previous
 * revision's image to its own, with the change-cause when there is one.
 */
export class RolloutTracker {
  /** Per Deployment, its ReplicaSets by name: their revision and image. */
  private readonly revisions = new Map<string, Map<string, { revision: number; image?: string }>>();

  constructor(private readonly cluster: string) {}

  seen(rs: ReplicaSetLike, now: number): Extract<SourceEvent, { type: 'release' }> | undefined {
    const owner = rs.metadata?.ownerReferences?.find((o) => o.kind === 'Deployment')?.name;
    const revision = revisionNumber(rs.metadata?.annotations?.['deployment.kubernetes.io/revision']);
    if (!owner || revision === undefined) return undefined;
    const key = `${rs.metadata?.namespace}/${owner}`;
    const known = this.revisions.get(key) ?? new Map<string, { revision: number; image?: string }>();
    this.revisions.set(key, known);
    const name = rs.metadata?.name ?? '';
    const before = known.get(name);
    // An update that is not a new revision (a scale, a status change) changes nothing here.
    if (before?.revision === revision) return undefined;
    const others = [...known.entries()].filter(([n]) => n !== name).map(([, v]) => v);
    const image = rs.spec?.template?.spec?.containers?.[0]?.image;
    known.set(name, { revision, ...(image && { image }) });
    const previous = others.filter((k) => k.revision < revision).sort((a, b) => b.revision - a.revision)[0];
    const newest = others.every((k) => k.revision < revision);
    if (!newest || !previous || previous.image === image) return undefined;
    // A ReplicaSet already known that takes the newest revision is a rollback happening now; a new
    // one dates from its creation.
    const at = before ? now : timeOf(rs.metadata?.creationTimestamp);
    if (Number.isNaN(at) || at < now - RECENT_ROLLOUT_MS) return undefined;
    const cause = rs.metadata?.annotations?.['kubernetes.io/change-cause'];
    const from = tagOf(previous.image);
    return {
      type: 'release',
      service: sanitize(owner),
      host: sanitize(this.cluster),
      ...(from && { from: sanitize(from) }),
      to: sanitize(tagOf(image) ?? `revision ${revision}`),
      at,
      reason: sanitize(
        `revision ${revision}${before ? ` (was ${before.revision}: a rollback)` : ''}${cause ? `: ${cause}` : ''}`,
      ),
    };
  }
}
