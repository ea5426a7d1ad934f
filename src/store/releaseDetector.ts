import type { ReleaseEvent, ReleaseEventData } from '../model/notableEvent';
import { type ContainerStatus, serviceOf } from '../model/sourceEvents';

interface Seen {
  version?: string;
  image?: string;
  imageId?: string;
}

const short = (id: string | undefined) => (id ? id.replace(/^sha256:/, '').slice(0, 12) : '?');

/**
 * Releases seen in the data itself, where no source announces them: a container of a service
 * recreated with another image, tag or digest (compose up, a retag), an OCI version label that
 * changed, a health endpoint that reports another version, a pod or pm2 process with a new
 * version. It also remembers since when each service has been watched by something able to see a
 * release, so "nothing was deployed in the last hour" is said only when that is known.
 *
 * A release is reported once: the same service reaching the same version through two sources (the
 * demo announces its deploys and its health endpoint reports the new version) is one release.
 */
export class ReleaseDetector {
  private readonly seen = new Map<string, Seen>();
  private readonly lastTo = new Map<string, string>();
  /** Every version each service was seen running: going back to one of them is a rollback. */
  private readonly versions = new Map<string, Set<string>>();
  readonly watchedSince = new Map<string, number>();

  /** A container's status; a release when its service's image or version changed. */
  container(status: ContainerStatus, now: number): ReleaseEvent | undefined {
    const service = serviceOf(status);
    this.watch(service, now);
    // Supervised processes (the demo) announce their releases themselves.
    if (status.kind === 'process' || (!status.version && !status.image)) return undefined;
    const key = `${status.host}/${service}`;
    const before = this.seen.get(key);
    const now_: Seen = {
      ...(status.version && { version: status.version }),
      ...(status.image && { image: status.image }),
      ...(status.imageId && { imageId: status.imageId }),
    };
    this.seen.set(key, now_);
    if (!before) {
      this.ran(service, now_.version ?? now_.image);
      return undefined;
    }
    const versionChanged = before.version !== now_.version;
    const imageChanged = before.image !== now_.image;
    const digestChanged = !!before.imageId && !!now_.imageId && before.imageId !== now_.imageId;
    if (!versionChanged && !imageChanged && !digestChanged) return undefined;
    const label = (s: Seen) =>
      versionChanged || imageChanged
        ? (s.version ?? s.image ?? '?')
        : `${s.version ?? s.image} (${short(s.imageId)})`;
    const evidence = imageChanged
      ? `${status.name} recreated from ${before.image} with ${now_.image}`
      : versionChanged
        ? `${status.name} now labels version ${now_.version}`
        : `${status.name} recreated with image ${short(now_.imageId)} under the same tag`;
    // When: the new container's start, not when the console happened to notice.
    return this.release(
      {
        service,
        host: status.host,
        from: label(before),
        to: label(now_),
        reason: evidence,
        ...(before.imageId && { fromImageId: before.imageId }),
        ...(now_.imageId && { toImageId: now_.imageId }),
      },
      status.startedAt ?? now,
    );
  }

  /** A service's own word on its version: a health endpoint's field, a `*_build_info` label. */
  reportedVersion(service: string, reporter: string, version: string, at: number): ReleaseEvent | undefined {
    this.watch(service, at);
    const key = `reported:${reporter}:${service}`;
    const before = this.seen.get(key)?.version;
    this.seen.set(key, { version });
    if (before === undefined) this.ran(service, version);
    if (before === undefined || before === version) return undefined;
    return this.release(
      {
        service,
        host: reporter,
        from: before,
        to: version,
        reason: `${reporter} reports version ${version}`,
      },
      at,
    );
  }

  /** A release a source announced; undefined when it was already seen another way. */
  announced(data: ReleaseEventData, at: number): ReleaseEvent | undefined {
    this.watch(data.service, at);
    return this.release(data, at);
  }

  private ran(service: string, version: string | undefined): void {
    if (version === undefined) return;
    const seen = this.versions.get(service) ?? new Set<string>();
    seen.add(version);
    this.versions.set(service, seen);
  }

  private watch(service: string, at: number): void {
    if (!this.watchedSince.has(service)) this.watchedSince.set(service, at);
  }

  /**
   * A release once per service and target. A target the service ran before (a version it was seen
   * with, or the `from` of an earlier release) is a rollback, and says so in its evidence.
   */
  private release(data: ReleaseEventData, at: number): ReleaseEvent | undefined {
    if (this.lastTo.get(data.service) === data.to) return undefined;
    this.lastTo.set(data.service, data.to);
    const before = this.versions.get(data.service);
    const rollback = data.rollback === true || isRollback(before, data);
    for (const v of [data.from, data.to]) this.ran(data.service, v ?? undefined);
    // A reason that already says so (the deployer's own "rollback") is not said twice.
    const said = /\broll(ed)?[ -]?back\b/i.test(data.reason);
    const full: ReleaseEventData = !rollback
      ? data
      : said
        ? { ...data, rollback: true }
        : { ...data, rollback: true, reason: `a rollback to ${data.to}, which ran before; ${data.reason}` };
    return {
      at,
      kind: 'release',
      severity: 'info',
      text: `${full.service} ${full.from ?? '?'} → ${full.to} (${full.reason})`,
      data: full,
    };
  }
}

/** Whether a release goes back to a version seen before (its own `from` does not count). */
function isRollback(seen: ReadonlySet<string> | undefined, data: ReleaseEventData): boolean {
  return seen !== undefined && data.to !== data.from && seen.has(data.to);
}
