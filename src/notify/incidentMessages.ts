import type { IncidentState } from '../incident/incidentState';
import type { JournalRecord } from '../model/journalRecord';
import type { IncidentMessage, NotifyEvent } from '../model/notify';
import { formatDuration } from '../text/duration';
import { sanitize } from '../text/sanitize';

/**
 * The person as chat may see them: the user alone, since `user@host` names the bastion, unless the
 * channel's config allows links (and with them, hostnames).
 */
const person = (actor: string, links: boolean) => sanitize(links ? actor : (actor.split('@')[0] ?? actor));

/** The event a record is, for the channels' `events` lists; undefined when chat is not told of it. */
export function eventOf(r: JournalRecord): NotifyEvent | undefined {
  switch (r.kind) {
    case 'incident.declared':
      return 'declared';
    case 'incident.severity':
      return 'severity';
    case 'incident.status':
      return r.payload.status === 'resolved' ? 'resolved' : 'status';
    case 'incident.role':
      return r.payload.role === 'commander' ? 'commander' : undefined;
    case 'step.result':
      // A step that ran (not a dry run) changed something: the mitigation's result is news.
      return r.payload.dryRun ? undefined : 'mitigation';
    case 'incident.update':
      return 'update';
    default:
      return undefined;
  }
}

function headlineOf(
  r: JournalRecord,
  s: IncidentState,
  who: string,
  links: boolean,
): { headline: string; lines: string[] } {
  switch (r.kind) {
    case 'incident.declared':
      return { headline: `Incident declared by ${who}`, lines: [] };
    case 'incident.severity':
      return { headline: `Severity set to ${sanitize(r.payload.severity)} by ${who}`, lines: [] };
    case 'incident.status': {
      if (r.payload.status !== 'resolved')
        return { headline: `Status: ${sanitize(r.payload.status)} (set by ${who})`, lines: [] };
      const lasted =
        s.resolvedAt !== undefined ? formatDuration(s.resolvedAt - (s.startedAt ?? s.declaredAt)) : undefined;
      return {
        headline: `Resolved by ${who}${lasted ? ` after ${lasted}` : ''}`,
        lines:
          s.startedAt !== undefined && s.startedAt < s.declaredAt
            ? [`Impact began ${formatDuration(s.declaredAt - s.startedAt)} before it was declared.`]
            : [],
      };
    }
    case 'incident.role':
      return {
        headline: `${person(r.payload.person, links)} now commands (handed over by ${who})`,
        lines: [],
      };
    case 'step.result': {
      const p = r.payload;
      const how = p.cancelled
        ? 'cancelled'
        : p.timedOut
          ? 'timed out'
          : p.exitCode === 0
            ? 'succeeded'
            : `failed (exit ${p.exitCode})`;
      return { headline: `${sanitize(p.step)}: ${how} (run by ${who})`, lines: [] };
    }
    case 'incident.update': {
      const [first = '', ...rest] = r.payload.text.split(/\r?\n/).map((l) => sanitize(l));
      // Said after the incident was resolved (a root cause found later): readers must not think it reopened.
      return { headline: s.status === 'resolved' ? `After resolution: ${first}` : first, lines: rest };
    }
    default:
      return { headline: '', lines: [] };
  }
}

/**
 * The message chat gets about a record, from the incident as it stands after it (already redacted:
 * journal records are): the incident in a line, what happened, and its facts.
 */
export function messageFor(
  r: JournalRecord,
  s: IncidentState,
  options: { links: boolean; join?: string },
): IncidentMessage | undefined {
  const event = eventOf(r);
  if (!event) return undefined;
  const who = person(r.actor, options.links);
  const { headline, lines } = headlineOf(r, s, who, options.links);
  const at = Date.parse(r.at ?? r.ts);
  return {
    id: `${s.id}-${r.seq}`,
    incidentId: s.id,
    event,
    at: Number.isNaN(at) ? Date.now() : at,
    title: `[${s.severity}] ${sanitize(s.title)}`,
    severity: s.severity,
    status: s.status,
    headline,
    lines: [
      ...lines,
      ...(options.links && options.join && event === 'declared' ? [`Join: ${options.join}`] : []),
    ],
    fields: [
      ['Severity', s.severity],
      ['Status', s.status],
      ['Commander', person(s.commander, options.links)],
      // How long it has been open, once that says something (not on the declaration itself).
      ...(event === 'declared'
        ? []
        : [['Open for', formatDuration((s.resolvedAt ?? Date.now()) - s.declaredAt)] as [string, string]]),
    ],
  };
}
