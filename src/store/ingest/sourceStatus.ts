import { sanitize } from '../../text/sanitize';
import type { Reducer } from './draft';

/** A source's link state; the reason is remote text, so it is made inert before it is shown. */
export const sourceStatus: Reducer<'source'> = (draft, e, ctx) => {
  const prev = draft.sources[e.id];
  draft.sources = {
    ...draft.sources,
    [e.id]: {
      id: e.id,
      state: e.state,
      at: e.at,
      ...(e.reason && { reason: sanitize(e.reason) }),
      ...(e.nextTryAt && { nextTryAt: e.nextTryAt }),
    },
  };
  const linkEvent = ctx.links.observe(e.id, prev?.state, e.state, e.at, e.reason);
  if (linkEvent) draft.notable.push(linkEvent);
};
