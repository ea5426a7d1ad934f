import {
  describeDamage,
  type JournalRecord,
  type PayloadInput,
  type RecordKind,
  validatePayload,
} from '../../model/journalRecord';
import { UserError } from '../../userError';
import { actingAs } from '../actingAs';
import { DEFAULT_LOCK_WAIT_MS } from '../fileLock';
import { foldIncident, type IncidentState } from '../incidentState';
import {
  activeIn,
  type Declaration,
  type IncidentStore,
  isIncidentId,
  type JournalDelta,
  type JournalWriter,
  newIncidentId,
  noSuchIncident,
  resolveIdIn,
} from '../incidentStore';
import { defaultActor } from '../journal';
import { JOURNAL_START, type JournalCursor } from '../journalChain';
import type { RepairResult } from '../journalRepair';
import type { PgConnection } from './connectionOptions';
import { IncidentCache } from './incidentCache';
import { bodyOf, JournalOutbox } from './journalOutbox';
import { SCHEMA_VERSION } from './schema';
import { JournalThread } from './syncCall';
import type { JournalReply, JournalRequest, RecordBody, StoredLine } from './threadProtocol';

/** Outbox records sent in one transaction. */
const OUTBOX_BATCH = 500;

/**
 * Incidents kept in PostgreSQL (`store: postgres://…`), shared by every bastion that names the same
 * database. The calls are synchronous like the file store's (see `syncCall.ts`). When the database
 * cannot be reached, records go to the outbox in the state directory and the header says so; a
 * probe each second finds it back, and the outbox is sent in order, each record once.
 */
export class PgIncidentStore implements IncidentStore {
  readonly where: string;
  private readonly thread: JournalThread;
  private readonly outbox: JournalOutbox;
  private readonly cache: IncidentCache;
  /** Why the database is not being used right now, or undefined when it is. */
  private away: string | undefined;
  private outboxProblem: string | undefined;
  private readonly watchers = new Map<string, Set<() => void>>();
  private probing = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly callTimeoutMs: number;

  constructor(
    stateDir: string,
    connection: PgConnection,
    threadScript: string,
    private readonly actor = defaultActor(),
    lockWaitMs = DEFAULT_LOCK_WAIT_MS,
    private readonly now: () => number = Date.now,
  ) {
    this.where = connection.where;
    this.outbox = new JournalOutbox(stateDir, lockWaitMs);
    this.thread = new JournalThread(threadScript, connection, (id) => this.nudge(id));
    this.cache = new IncidentCache((id, afterSeq) => this.call({ op: 'read', incident: id, afterSeq }));
    this.callTimeoutMs = Math.min(
      30_000,
      (connection.connectTimeoutSeconds * connection.hosts.length + 5) * 1000,
    );
  }

  get clock(): () => number {
    return this.now;
  }

  get actorName(): string {
    return this.actor;
  }

  /** A call's answer; undefined when the database cannot be reached (it is then `away`). */
  call(req: JournalRequest): (JournalReply & { ok: true }) | undefined {
    const reply = this.thread.call(req, this.callTimeoutMs);
    if (reply.ok) {
      this.away = undefined;
      return reply;
    }
    if (reply.problem === 'unavailable') {
      this.away = reply.message;
      this.startProbing();
      return undefined;
    }
    throw new UserError(`opsconsole: the incident database ${this.where}: ${reply.message}`, 1);
  }

  private must(req: JournalRequest): JournalReply & { ok: true } {
    const reply = this.call(req);
    if (!reply)
      throw new UserError(
        `opsconsole: cannot reach the incident database ${this.where}: ${this.away}\n  fix: check that it runs and that this machine may connect; \`opsconsole check\` tests it`,
        1,
      );
    return reply;
  }

  /** Checks the schema's version once, before the first write. */
  private checked = false;
  private checkVersion(): boolean {
    if (this.checked) return true;
    const reply = this.call({ op: 'version' });
    if (!reply) return false;
    if (reply.version !== SCHEMA_VERSION)
      throw new UserError(
        `opsconsole: the incident database ${this.where} is at schema version ${reply.version}, this opsconsole needs ${SCHEMA_VERSION}.\n  fix: ${
          (reply.version ?? 0) < SCHEMA_VERSION
            ? '`opsconsole store init` (as the database owner) brings it up to date'
            : 'use the newer opsconsole that wrote it'
        }`,
        1,
      );
    this.checked = true;
    return true;
  }

  declare(d: Declaration): { id: string; journal: JournalWriter } {
    const id = newIncidentId(new Date(this.now()));
    const journal = new PgJournal(this, id);
    journal.write(
      'incident.declared',
      {
        title: d.title,
        severity: d.severity,
        commander: d.commander ?? ((actingAs.getStore() ?? this.actor).split('@')[0] as string),
        ...(d.startedAt !== undefined && { startedAt: new Date(d.startedAt).toISOString() }),
      },
      undefined,
      true,
    );
    return { id, journal };
  }

  open(id: string): JournalWriter {
    if (!isIncidentId(id)) throw noSuchIncident(id, this.where);
    this.sendOutbox();
    const known = this.away === undefined ? this.cache.refresh(id) : this.cache.get(id);
    if ((known?.lines ?? 0) > 0) this.outbox.markSeen(id);
    else if (!this.outbox.seen(id) && this.outbox.pending(id).length === 0) {
      // Unknown because unreachable is not unknown: nothing goes to the outbox for an incident that
      // may not exist, where it would wait behind a refusal.
      if (this.away !== undefined)
        throw new UserError(
          `opsconsole: cannot reach the incident database ${this.where} to find ${id}: ${this.away}\n  nothing was recorded.\n  fix: try again when it is back (\`opsconsole store status\` tells); a console that has the incident open keeps recording`,
          1,
        );
      throw noSuchIncident(id, this.where);
    }
    return new PgJournal(this, id);
  }

  /** Appends one record: to the database when it answers, else to the outbox. */
  appendRecord(id: string, body: RecordBody, at: number | undefined, create: boolean): JournalRecord {
    // Records wait behind the ones already in the outbox: the database takes them in order.
    if (this.away === undefined && (this.sendOutbox() || !this.outbox.has(id)) && this.checkVersion()) {
      // As with a file: what others wrote is read and verified first, and a broken chain is not added to.
      const damage = create ? undefined : this.cache.refresh(id)?.damage;
      if (damage)
        throw new UserError(
          [
            `opsconsole: the journal of ${id} in ${this.where} is damaged at ${describeDamage(damage)}.`,
            '  nothing was recorded, and nothing in the database was changed.',
            '  fix: the database owner restores the changed row from a backup; the console may not alter records.',
          ].join('\n'),
          1,
        );
      const reply = this.call({ op: 'append', incident: id, bodies: [body], create });
      if (reply?.lines?.[0]) {
        this.cache.takeAppended(id, reply.lines[0]);
        this.outbox.markSeen(id);
        return JSON.parse(reply.lines[0].line) as JournalRecord;
      }
    }
    return this.outbox.append(id, body as RecordBody & { kind: RecordKind }, at);
  }

  /** Sends what waits in the outbox; true when nothing waits any more. */
  sendOutbox(): boolean {
    let problem: string | undefined;
    for (const id of this.outbox.waiting()) {
      try {
        const pending = this.outbox.pending(id);
        // In batches, each one transaction: the console waits on this, so it must be short.
        for (let i = 0; i < pending.length; i += OUTBOX_BATCH) {
          const batch = pending.slice(i, i + OUTBOX_BATCH);
          if (this.away !== undefined || !this.checkVersion()) return false;
          const first = batch[0] as JournalRecord;
          const reply = this.call({
            op: 'append',
            incident: id,
            bodies: batch.map(bodyOf),
            create: first.kind === 'incident.declared',
          });
          if (!reply) return false;
          this.outbox.markSent(id, (batch.at(-1) as JournalRecord).seq);
        }
      } catch (err) {
        // Kept, and said: a refusal (a role without INSERT) stops this incident's records, in
        // order, and loses none; other incidents' records go on.
        problem = `${id}: ${(err as Error).message.split('\n')[0]}`;
      }
    }
    this.outboxProblem = problem;
    return problem === undefined;
  }

  load(id: string): IncidentState {
    const read = this.readFrom(id, JOURNAL_START);
    const state = foldIncident(id, read.records, read);
    if (!state) {
      if (read.records.length === 0) throw noSuchIncident(id, this.where);
      throw new UserError(
        `opsconsole: incident "${id}" has no declaration record; its journal is damaged`,
        1,
      );
    }
    return state;
  }

  scan(): { incidents: IncidentState[]; unreadable: { id: string; reason: string }[] } {
    this.sendOutbox();
    const rows = this.must({ op: 'all' }).rows ?? [];
    const ids = new Set([...rows.map((r) => r.incident), ...this.outbox.waiting()]);
    this.cache.fill(rows);
    const incidents: IncidentState[] = [];
    const unreadable: { id: string; reason: string }[] = [];
    for (const id of ids) {
      const read = this.readFrom(id, JOURNAL_START, false);
      const state = foldIncident(id, read.records, read);
      if (state) incidents.push(state);
      else
        unreadable.push({
          id,
          reason: 'its journal has no declaration record, so there is no incident to list.',
        });
    }
    return { incidents: incidents.sort((a, b) => a.declaredAt - b.declaredAt), unreadable };
  }

  list(): IncidentState[] {
    return this.scan().incidents;
  }

  /** The open incident; none while the database is away (the header says why). */
  active(): IncidentState | undefined {
    try {
      return activeIn(this.list());
    } catch (err) {
      if (this.away !== undefined) return undefined;
      throw err;
    }
  }

  resolveId(id: string | undefined): string {
    return id ?? resolveIdIn(this.list(), id, this.where);
  }

  /**
   * The database's records after `cursor` (verified as the file's are), then the outbox's. When the
   * outbox was sent or the database moved under records shown from the outbox, the caller reads
   * again from the start (`restart`): the sent records now have the database's seqs.
   */
  readFrom(id: string, cursor: JournalCursor, refresh = true): JournalDelta {
    if (refresh && this.away === undefined) this.cache.refresh(id);
    const known = this.cache.get(id);
    const pending = this.outbox.pending(id);
    const dbSeq = known?.tail.seq ?? 0;
    const restart =
      cursor.seq > dbSeq || (cursor.offset > 0 && (pending.length < cursor.offset || cursor.seq !== dbSeq));
    if (restart) return { records: [], unreadable: [], cursor, restart: true };
    const fromDb = this.cache.after(id, cursor);
    const fromOutbox = pending
      .slice(cursor.offset)
      .map((r, i) => ({ ...r, seq: dbSeq + cursor.offset + i + 1 }));
    return {
      ...fromDb,
      records: [...fromDb.records, ...fromOutbox],
      cursor: { ...fromDb.cursor, offset: pending.length },
      restart: false,
    };
  }

  watch(id: string, onChange: () => void): () => void {
    const set = this.watchers.get(id) ?? new Set<() => void>();
    this.watchers.set(id, set);
    set.add(onChange);
    // A missed notification costs nothing: each second the incident is read from its last seq.
    this.timer ??= setInterval(() => this.tick(), 1000).unref();
    return () => set.delete(onChange);
  }

  private nudge(id: string): void {
    for (const f of this.watchers.get(id) ?? []) f();
  }

  private tick(): void {
    if (this.away !== undefined) return;
    for (const id of this.watchers.keys()) this.nudge(id);
  }

  /** While the database is away, a call each second that does not block the console. */
  private startProbing(): void {
    if (this.probing) return;
    this.probing = true;
    const probe = () => {
      void this.thread.send({ op: 'version' }).then((reply) => {
        if (!reply.ok && reply.problem === 'unavailable') {
          setTimeout(probe, 1000).unref();
          return;
        }
        this.probing = false;
        this.away = undefined;
        this.sendOutbox();
        for (const id of this.watchers.keys()) this.nudge(id);
      });
    };
    setTimeout(probe, 1000).unref();
  }

  /**
   * Copies a JSONL incident's records as they are (same seqs, same lines, so the same chain):
   * idempotent, refused where the database holds other records at those seqs. Returns how many
   * were new, after reading the incident back and checking its chain.
   */
  push(id: string, lines: StoredLine[]): { pushed: number; total: number } {
    if (!this.checkVersion()) this.must({ op: 'version' });
    const pushed = this.must({ op: 'push', incident: id, lines }).pushed ?? 0;
    const read = this.cache.refresh(id);
    if (read?.damage)
      throw new UserError(
        `opsconsole: ${id} in ${this.where} is damaged at ${describeDamage(read.damage)} after the push`,
        1,
      );
    return { pushed, total: read?.lines ?? 0 };
  }

  /** The schema's version, or the reason the database cannot be reached. */
  version(): number {
    return this.must({ op: 'version' }).version ?? 0;
  }

  /** Creates or migrates the schema (as its owner); grants `grant` what the console needs. */
  init(grant: string | undefined): { version: number; applied: number[] } {
    const reply = this.thread.call({ op: 'init', ...(grant && { grant }) }, this.callTimeoutMs);
    if (!reply.ok) throw new UserError(`opsconsole: store init on ${this.where}: ${reply.message}`, 1);
    return { version: reply.version ?? SCHEMA_VERSION, applied: reply.applied ?? [] };
  }

  status(): string | undefined {
    if (this.away !== undefined) {
      // Counted only while the database is away: the console asks on every redraw of the incident.
      const waiting = this.outbox.waiting().reduce((n, id) => n + this.outbox.pending(id).length, 0);
      return waiting === 0
        ? 'journal: database unreachable; records wait in the outbox until it is back'
        : `journal: database unreachable; ${waiting} record${waiting === 1 ? '' : 's'} kept in the outbox, sent when it is back`;
    }
    if (this.outboxProblem)
      return `journal: the outbox cannot be sent (${this.outboxProblem.split('\n')[0]})`;
    return undefined;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.thread.close();
  }
}

/** One incident's journal in the database. */
class PgJournal implements JournalWriter {
  constructor(
    private readonly store: PgIncidentStore,
    private readonly id: string,
  ) {}

  append<K extends RecordKind>(kind: K, payload: PayloadInput<K>, at?: number): JournalRecord {
    return this.write(kind, payload, at, false);
  }

  write<K extends RecordKind>(
    kind: K,
    payload: PayloadInput<K>,
    at: number | undefined,
    create: boolean,
  ): JournalRecord {
    validatePayload(kind, payload);
    const body: RecordBody = {
      ts: new Date(this.store.clock()).toISOString(),
      ...(at !== undefined && { at: new Date(at).toISOString() }),
      kind,
      actor: actingAs.getStore() ?? this.store.actorName,
      payload,
    };
    return this.store.appendRecord(this.id, body, at, create);
  }

  repair(): RepairResult {
    throw new UserError(
      [
        `opsconsole: ${this.id} is kept in the incident database, where the console's role may add records but never change or remove one.`,
        '  fix: the database owner reads the damage with `opsconsole incident show ID` and decides; nothing was changed.',
      ].join('\n'),
      1,
    );
  }
}
