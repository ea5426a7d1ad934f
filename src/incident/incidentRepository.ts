import { existsSync, readdirSync, type Stats, unwatchFile, watchFile } from 'node:fs';
import { join } from 'node:path';
import { quoteForShell } from '../text/shellQuote';
import { UserError } from '../userError';
import { actingAs } from './actingAs';
import { DEFAULT_LOCK_WAIT_MS } from './fileLock';
import { foldIncident, type IncidentState } from './incidentState';
import {
  activeIn,
  type Declaration,
  type IncidentStore,
  isIncidentId,
  type JournalDelta,
  newIncidentId,
  noSuchIncident,
  resolveIdIn,
} from './incidentStore';
import { defaultActor, Journal, readJournal, readJournalFrom } from './journal';
import type { JournalCursor } from './journalChain';

export { type Declaration, isIncidentId } from './incidentStore';

/** The incidents under a state directory: one journal file each (the default store). */
export class IncidentRepository implements IncidentStore {
  readonly dir: string;

  constructor(
    stateDir: string,
    private readonly actor = defaultActor(),
    /** The console waits briefly for another writer's lock; one-shot commands may wait longer. */
    private readonly lockWaitMs = DEFAULT_LOCK_WAIT_MS,
    /** The clock its journals stamp records with (a practice run's is the replay's). */
    private readonly now: () => number = Date.now,
  ) {
    this.dir = join(stateDir, 'incidents');
  }

  get where(): string {
    return this.dir;
  }

  pathOf(id: string): string {
    return join(this.dir, `${id}.jsonl`);
  }

  declare(d: Declaration): { id: string; journal: Journal } {
    const id = newIncidentId(new Date(this.now()));
    const journal = new Journal(this.pathOf(id), this.actor, this.lockWaitMs, this.now);
    journal.append('incident.declared', {
      title: d.title,
      severity: d.severity,
      commander: d.commander ?? ((actingAs.getStore() ?? this.actor).split('@')[0] as string),
      ...(d.startedAt !== undefined && { startedAt: new Date(d.startedAt).toISOString() }),
    });
    return { id, journal };
  }

  open(id: string): Journal {
    if (!isIncidentId(id) || !existsSync(this.pathOf(id))) throw noSuchIncident(id, this.dir);
    return new Journal(this.pathOf(id), this.actor, this.lockWaitMs, this.now);
  }

  load(id: string): IncidentState {
    this.open(id);
    const read = readJournal(this.pathOf(id));
    const state = foldIncident(id, read.records, read);
    if (!state)
      throw new UserError(
        `opsconsole: incident "${id}" has no declaration record; its journal is damaged`,
        1,
      );
    return state;
  }

  /**
   * Every incident whose journal can be read (damaged ones included, with their damage), and the
   * journals that cannot be read at all, each with the reason: one bad file never hides the others.
   */
  scan(): { incidents: IncidentState[]; unreadable: { id: string; reason: string }[] } {
    if (!existsSync(this.dir)) return { incidents: [], unreadable: [] };
    const incidents: IncidentState[] = [];
    const unreadable: { id: string; reason: string }[] = [];
    for (const f of readdirSync(this.dir).filter((name) => name.endsWith('.jsonl'))) {
      const id = f.slice(0, -'.jsonl'.length);
      const path = join(this.dir, f);
      // A name opsconsole never gives (it could be anything, `$(…)` included) is not opened, and the
      // fix offered is quoted for the shell it will be pasted into.
      if (!isIncidentId(id)) {
        unreadable.push({
          id,
          reason: [
            'its name is not an incident id (opsconsole names journals inc-DATE-TIME-XXXX.jsonl), so it is not read.',
            `  fix: move it out of the incidents folder: mv -- ${quoteForShell([path, `${path}.aside`])}`,
          ].join('\n'),
        });
        continue;
      }
      try {
        const read = readJournal(path);
        const state = foldIncident(id, read.records, read);
        if (state) incidents.push(state);
        else
          unreadable.push({
            id,
            reason:
              read.records.length === 0
                ? [
                    `its journal ${read.unreadable.length > 0 || read.damage ? 'holds no readable record' : 'is empty (a declaration that failed left it)'}, so there is no incident to list.`,
                    `  fix: \`opsconsole incident repair ${id}\` moves the file aside (it is kept, no longer listed).`,
                  ].join('\n')
                : [
                    'its journal has no declaration record, so there is no incident to list.',
                    `  fix: no repair can restore a declaration; read the file, then move it aside: mv -- ${quoteForShell([path, `${path}.aside`])}`,
                  ].join('\n'),
          });
      } catch (err) {
        unreadable.push({ id, reason: (err as Error).message.replace(/^opsconsole: /, '') });
      }
    }
    return { incidents: incidents.sort((a, b) => a.declaredAt - b.declaredAt), unreadable };
  }

  list(): IncidentState[] {
    return this.scan().incidents;
  }

  /** The newest incident that is not resolved: the one the console resumes. */
  active(): IncidentState | undefined {
    return activeIn(this.list());
  }

  /** An explicit id, else the active incident, else the newest. */
  resolveId(id: string | undefined): string {
    return resolveIdIn(this.list(), id, this.dir);
  }

  readFrom(id: string, cursor: JournalCursor): JournalDelta {
    return readJournalFrom(this.pathOf(id), cursor);
  }

  /** A light poll of the file's size: another process's append shows within a second. */
  watch(id: string, onChange: () => void): () => void {
    const path = this.pathOf(id);
    const listener = (cur: Stats, prev: Stats) => {
      if (cur.size !== prev.size) onChange();
    };
    watchFile(path, { interval: 1000, persistent: false }, listener);
    return () => unwatchFile(path, listener);
  }

  status(): string | undefined {
    return undefined;
  }

  close(): void {}
}
