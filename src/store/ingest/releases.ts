import type { Reducer } from './draft';

/** Versions and announced releases; the detector reports each release once, whoever saw it. */

export const versionReported: Reducer<'version'> = (draft, e, ctx) => {
  const release = ctx.releases.reportedVersion(e.service, e.reporter, e.version, e.at);
  if (release) draft.notable.push(release);
};

export const releaseAnnounced: Reducer<'release'> = (draft, e, ctx) => {
  const release = ctx.releases.announced(
    {
      service: e.service,
      host: e.host,
      ...(e.from !== undefined && { from: e.from }),
      to: e.to,
      reason: e.reason,
    },
    e.at,
  );
  if (release) draft.notable.push(release);
};
