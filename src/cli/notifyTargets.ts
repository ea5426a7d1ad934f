import { channelUrl } from '../config/notifySchema';
import type { Environment } from '../config/schema';
import { DEFAULT_NOTIFY_EVENTS } from '../model/notify';
import type { NotifyTarget } from '../notify/notifier';
import { UPDATE_EVERY_MS } from '../session/stakeholderUpdate';

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

/** The update intervals by severity: the defaults, with what the config sets (`status`: none, at status changes). */
export function updateIntervals(configured: Environment['updateEvery']): Record<string, number | undefined> {
  const every: Record<string, number | undefined> = { ...UPDATE_EVERY_MS };
  for (const [severity, v] of Object.entries(configured)) every[severity] = v === 'status' ? undefined : v;
  return every;
}
