import type { CommandTarget } from '../model/command';
import type { EventSink } from '../model/sourceEvents';
import { sanitize } from '../text/sanitize';
import { STATUS_MAPPINGS, type StatusMappingName } from './commandStatusMappings';
import { Poller } from './poller';

export interface CommandStatusOptions {
  host: string;
  argv: string[];
  mapping: StatusMappingName;
  target: CommandTarget;
  intervalMs?: number;
  timeoutMs?: number;
}

/**
 * Status for teams without Docker: runs a command (locally or through the host's SSH connection)
 * whose JSON output a mapping turns into containers — `kubectl get pods -o json`, `pm2 jlist`,
 * `systemctl list-units --output=json`. Rows that disappear are removed.
 */
export function commandStatusSource(options: CommandStatusOptions, sink: EventSink): Poller {
  const { host, argv, mapping, target, intervalMs = 5000, timeoutMs = 15_000 } = options;
  const id = `command@${host}:${argv[0]}`;
  let known = new Set<string>();
  return new Poller({
    intervalMs,
    task: async () => {
      const r = await target.run(argv, { timeoutMs, maxOutputBytes: 16 * 1024 * 1024 });
      if (r.exitCode !== 0)
        throw new Error(`${argv[0]} exited ${r.exitCode}: ${r.output.split('\n').slice(-1)[0] ?? ''}`);
      let json: unknown;
      try {
        json = JSON.parse(r.output.replace(/^…\[\d+ earlier bytes not kept\]\n/, ''));
      } catch {
        throw new Error(`${argv[0]} did not print JSON`);
      }
      const rows = STATUS_MAPPINGS[mapping](json, host);
      const now = new Set(rows.map((c) => c.id));
      for (const c of rows) sink({ type: 'container', status: c });
      for (const gone of known) if (!now.has(gone)) sink({ type: 'container-removed', id: gone });
      known = now;
      sink({ type: 'source', id, state: 'connected', at: Date.now() });
    },
    onFailure: (err, nextTryAt) =>
      sink({
        type: 'source',
        id,
        state: 'reconnecting',
        at: Date.now(),
        reason: sanitize((err as Error).message),
        nextTryAt,
      }),
  });
}
