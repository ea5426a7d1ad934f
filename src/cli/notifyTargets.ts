import { channelUrl } from '../config/notifySchema';
import type { Environment } from '../config/schema';
import { DEFAULT_NOTIFY_EVENTS } from '../model/notify';
import type { NotifyTarget } from '../notify/notifier';

/** The environment's chat channels as the notifier sends to them; each URL read when a message goes. */
export function notifyTargets(env: Environment): NotifyTarget[] {
  return Object.entries(env.notify).map(([name, c]) => ({
    name,
    kind: c.kind,
    events: c.events ?? DEFAULT_NOTIFY_EVENTS,
    links: c.links,
    url: () => channelUrl(name, c),
  }));
}
