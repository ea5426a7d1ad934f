import { Text } from 'ink';
import { useShallow } from 'zustand/react/shallow';
import type { ReplayInfo } from '../src/store/consoleStore';
import { firingAlerts, hasAlertSource } from '../src/store/selectors';
import { useColor, useConsole } from './ConsoleContext';
import { dataAccount } from './dataAccount';
import { cell, clockTime } from './rows';

/** How long a new event holds the header before the diagnosis comes back. */
const FRESH_EVENT_MS = 10_000;

/** Top line: where we are, and the latest thing that went wrong, in words not just colour. */
export function Header({ width }: { width: number }) {
  const color = useColor();
  const environment = useConsole((s) => s.environment);
  const now = useConsole((s) => s.now);
  // A link's ups and downs never take the header from the news: the latest other event comes first.
  const last = useConsole((s) => s.incident.events.findLast((e) => e.kind !== 'source'));
  const lastLink = useConsole((s) => s.incident.events.findLast((e) => e.kind === 'source'));
  const firing = useConsole((s) =>
    Object.values(s.signals).some((v) => v.rules.some((r) => r.state === 'firing')),
  );
  const pending = useConsole((s) =>
    Object.values(s.signals).some((v) => v.rules.some((r) => r.state === 'pending')),
  );
  const incident = useConsole((s) => s.incident.active);
  // The team's own alerts beside ours: how many are firing (not silenced), `?` when we cannot tell.
  const amFiring = useConsole((s) => (hasAlertSource(s) ? firingAlerts(s) : undefined));
  const amUnknown = useConsole((s) => s.alerts?.unknown !== undefined || s.alertRules?.unknown !== undefined);
  const alerts = amFiring === undefined ? '' : ` · am ${amFiring}${amUnknown ? '?' : ''}`;
  // A chat channel that did not take its last message: its messages wait, and the header says so.
  const chatFailing = useConsole(useShallow((s) => s.chatFailing ?? []));
  const chat = chatFailing.length === 0 ? '' : ` · CHAT ✗ ${chatFailing.join(' ')}`;
  // The next stakeholder update: counted down, and said when it is overdue. A damaged journal, which
  // stops all recording, takes their place: it is the one thing the header must not lose.
  const updateDue = useConsole((s) => s.updateDue);
  const minutes = (ms: number) => `${Math.ceil(ms / 60_000)}m`;
  const update =
    updateDue === undefined
      ? ''
      : updateDue > now
        ? ` · update in ${minutes(updateDue - now)}`
        : ` · UPDATE DUE${now - updateDue < 60_000 ? ' now' : ` ${Math.floor((now - updateDue) / 60_000)}m ago`}`;
  // On a shared console: who is here, the commander starred, viewers marked.
  const presence = useConsole(useShallow((s) => s.presence));
  const commander = incident && incident.status !== 'resolved' ? incident.commander : undefined;
  const here =
    presence.length === 0
      ? ''
      : ` · ${presence
          .map((p) =>
            (commander ? p.name === commander : p.role === 'commander')
              ? `${p.name}★`
              : p.role === 'viewer'
                ? `${p.name}(v)`
                : p.name,
          )
          .join(' ')}`;
  // A replay is never mistaken for live: its badge leads the line, in words as well as colour.
  const replay = useConsole((s) => s.replay);
  const badge = replay ? replayBadge(replay) : '';
  const left = `opsconsole · ${environment}${replay ? '' : ` · ${clockTime(now)}Z`}${alerts}${here}`;
  const status = incident
    ? `${incident.severity} ${incident.status.toUpperCase()}${firing ? ' · ALERT' : ''}${incident.journalProblem ? '' : `${chat}${update}`}`
    : firing || (amFiring ?? 0) > 0
      ? 'ALERT'
      : pending
        ? 'WATCH'
        : 'all quiet';
  const diagnosis = useConsole(dataAccount);
  // While something fires, the data's account of it says more than the latest event, unless that
  // event just happened (a rollback the operator is waiting to see).
  const fresh = last !== undefined && now - last.at < FRESH_EVENT_MS;
  const detail = incident?.journalProblem
    ? ` · ${incident.journalProblem}`
    : (firing || pending) && diagnosis && !fresh
      ? ` · ${diagnosis}`
      : last
        ? ` · ${clockTime(last.at)} ${last.text}`
        : diagnosis
          ? ` · ${diagnosis}`
          : lastLink
            ? ` · ${clockTime(lastLink.at)} ${lastLink.text}`
            : '';
  const alarm = firing || (amFiring ?? 0) > 0 || incident?.journalProblem !== undefined;
  const line = (
    <Text wrap="truncate" bold color={color(alarm ? 'red' : pending ? 'yellow' : 'green')}>
      {cell(`${left} │ ${status}${detail}`, Math.max(0, width - badge.length))}
    </Text>
  );
  if (!replay) return line;
  return (
    <Text wrap="truncate">
      <Text bold inverse color={color('magenta')}>
        {badge}
      </Text>
      {line}
    </Text>
  );
}

/** "REPLAY 03:14:05Z ×60 ▶ " (PRACTICE in training; PAUSED, END): what the header leads with. */
export function replayBadge(r: ReplayInfo): string {
  const state = r.ended ? 'END' : r.paused ? 'PAUSED' : '▶';
  return `${r.practice ? 'PRACTICE' : 'REPLAY'} ${clockTime(r.at)}Z ×${r.speed} ${state} `;
}
