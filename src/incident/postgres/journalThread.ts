import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import postgres from 'postgres';
import { inertJson } from '../../text/inert';
import { GENESIS, hashLine } from '../journalChain';
import { MIGRATIONS, NOTIFY_CHANNEL, SCHEMA_VERSION } from './schema';
import { problemOf } from './sqlProblems';
import type { JournalReply, JournalRequest, RecordBody, StoredLine, ThreadData } from './threadProtocol';

/**
 * The PostgreSQL journal's thread. The journal's callers are synchronous (an append returns once
 * the record is kept, before the step it announces runs), and a database answers asynchronously:
 * this thread owns the client (postgres.js) and answers each call on a port the caller reads with
 * `receiveMessageOnPort` once `signal` says the answer is there (see `syncCall.ts`). It also
 * LISTENs for other writers' appends and tells the console, which then reads from its last seq.
 */
const { connection: c, signal, port } = workerData as ThreadData;
const flag = new Int32Array(signal);
const parent = parentPort;
if (!parent) throw new Error('the journal client runs in a worker thread');

const tls = (): false | 'prefer' | Record<string, unknown> => {
  if (c.ssl === false || c.ssl === 'prefer') return c.ssl;
  return {
    rejectUnauthorized: c.ssl.verify !== 'none',
    ...(c.ssl.ca && { ca: c.ssl.ca }),
    ...(c.ssl.cert && { cert: c.ssl.cert }),
    ...(c.ssl.key && { key: c.ssl.key }),
    ...(c.ssl.verify === 'chain' && { checkServerIdentity: () => undefined }),
  };
};

/**
 * One client per host, and the one in use. Hosts are tried in order and judged as libpq judges
 * `target_session_attrs`, here rather than by postgres.js's own multi-host support, which has two
 * faults for a journal: it judges read-write by `default_transaction_read_only` alone (a PostgreSQL
 * 14+ standby reports it off, so a standby passed for the primary), and when no host is acceptable
 * it tries again forever instead of failing, where the console must put the record in its outbox.
 */
const clients = c.hosts.map((h) =>
  postgres({
    host: h.host,
    port: h.port,
    database: c.database,
    user: c.user,
    ...(c.password !== undefined && { pass: c.password }),
    ssl: tls() as never,
    connect_timeout: c.connectTimeoutSeconds,
    max: 2,
    fetch_types: false,
    onnotice: () => {},
    connection: {
      application_name: c.applicationName,
      // A statement or a transaction that hangs (a lock held by a stuck writer) ends, and says so.
      statement_timeout: 10_000,
      idle_in_transaction_session_timeout: 10_000,
    } as never,
  }),
);
let current: postgres.Sql | undefined;
let listeningOn: postgres.Sql | undefined;

function acceptable(attrs: string, standby: boolean, readOnly: boolean, pass: number): boolean {
  switch (attrs) {
    case 'read-write':
      return !standby && !readOnly;
    case 'read-only':
      return standby || readOnly;
    case 'primary':
      return !standby;
    case 'standby':
      return standby;
    case 'prefer-standby':
      return pass === 1 || standby;
    default:
      return true;
  }
}

/** The client of the first acceptable host; an `unavailable` error naming each host's answer. */
async function db(): Promise<postgres.Sql> {
  if (current) return current;
  const attrs = c.targetSessionAttrs ?? 'any';
  const answers: string[] = [];
  for (const pass of attrs === 'prefer-standby' ? [0, 1] : [0]) {
    for (const [i, client] of clients.entries()) {
      const h = c.hosts[i] as { host: string; port: number };
      try {
        const [s] =
          await client`select pg_is_in_recovery() as standby, current_setting('transaction_read_only') = 'on' as ro`;
        if (acceptable(attrs, Boolean(s?.standby), Boolean(s?.ro), pass)) {
          current = client;
          if (listeningOn !== client) void listen(client);
          return client;
        }
        answers.push(`${h.host}:${h.port} is ${s?.standby ? 'a standby' : 'read-only'}`);
      } catch (err) {
        const p = problemOf(err);
        if (p.problem !== 'unavailable') throw err;
        answers.push(`${h.host}:${h.port}: ${p.message}`);
      }
    }
  }
  throw Object.assign(
    new Error(
      `no server is ${attrs === 'any' ? 'reachable' : `${attrs} (target_session_attrs)`}: ${answers.join('; ')}`,
    ),
    {
      code: 'NO_ACCEPTABLE_HOST',
    },
  );
}

async function listen(client: postgres.Sql): Promise<void> {
  listeningOn = client;
  try {
    await client.listen(NOTIFY_CHANNEL, (incident) => parent?.postMessage({ type: 'nudge', incident }));
  } catch {
    listeningOn = undefined;
  }
}

const lockKey = (incident: string) => `opsconsole:${incident}`;

function bodyHash(body: RecordBody): string {
  const { ts, at, kind, actor, payload } = body;
  return createHash('sha256')
    .update(inertJson({ ts, ...(at !== undefined && { at }), kind, actor, payload }))
    .digest('hex');
}

const toLines = (rows: readonly Record<string, unknown>[]): StoredLine[] =>
  rows.map((r) => ({ seq: Number(r.seq), line: String(r.line), hash: String(r.hash) }));

async function handle(req: JournalRequest): Promise<JournalReply> {
  const sql = await db();
  switch (req.op) {
    case 'version': {
      const [row] = await sql`select to_regclass('opsconsole_meta') is not null as present`;
      if (!row?.present) return { ok: true, version: 0 };
      const [v] = await sql`select value from opsconsole_meta where key = 'schema_version'`;
      return { ok: true, version: Number(v?.value ?? 0) };
    }
    case 'init':
      return init(sql, req.grant);
    case 'read': {
      // A read is bounded: an incident of more than this many records is read in turns.
      const rows = await sql`select seq, line, hash from opsconsole_journal
        where incident = ${req.incident} and seq > ${req.afterSeq} order by seq limit 50000`;
      return { ok: true, lines: toLines(rows) };
    }
    case 'all': {
      const rows = await sql`select incident, seq, line, hash from opsconsole_journal
        order by incident, seq limit 1000000`;
      return {
        ok: true,
        rows: rows.map((r) => ({
          incident: r.incident as string,
          ...(toLines([r as never])[0] as StoredLine),
        })),
      };
    }
    case 'append':
      return append(sql, req.incident, req.bodies, req.create);
    case 'push':
      return push(sql, req.incident, req.lines);
  }
}

/**
 * Chains records (one, or an outbox's batch) onto the incident's head. Writers anywhere are serialized per incident by a
 * transaction-scoped advisory lock: the head must be read and the next record written as one
 * step, and unlike a row lock it needs no row to exist yet (a declaration), and it is let go by the
 * server when the transaction ends, however the client ended. The primary key (incident, seq) is
 * the backstop: two writers that somehow got past the lock cannot both take a seq.
 */
async function append(
  sql: postgres.Sql,
  incident: string,
  bodies: RecordBody[],
  create: boolean,
): Promise<JournalReply> {
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtextextended(${lockKey(incident)}, 0))`;
    let [head] =
      await tx`select seq, hash from opsconsole_journal where incident = ${incident} order by seq desc limit 1`;
    if (create && head && bodies.length > 0) {
      const [first] =
        await tx`select 1 from opsconsole_journal where incident = ${incident} and body_hash = ${bodyHash(bodies[0] as RecordBody)}`;
      if (!first)
        return {
          ok: false,
          problem: 'exists',
          message: `incident ${incident} exists already`,
        } as JournalReply;
    }
    if (!create && !head)
      return {
        ok: false,
        problem: 'missing',
        message: `no incident "${incident}" in the database`,
      } as JournalReply;
    const lines: StoredLine[] = [];
    for (const body of bodies) {
      const bh = bodyHash(body);
      const same =
        await tx`select seq, line, hash from opsconsole_journal where incident = ${incident} and body_hash = ${bh}`;
      // Sent before, its answer lost: it is there once, and that is the answer.
      if (same.length > 0) {
        lines.push(...toLines(same));
        continue;
      }
      const seq = head ? Number(head.seq) + 1 : 1;
      const { ts, at, kind, actor, payload } = body;
      const line = inertJson({
        seq,
        ts,
        ...(at !== undefined && { at }),
        kind,
        actor,
        payload,
        prev: head ? head.hash : GENESIS,
      });
      const hash = hashLine(line);
      await tx`insert into opsconsole_journal (incident, seq, line, hash, body_hash)
        values (${incident}, ${seq}, ${line}, ${hash}, ${bh})`;
      lines.push({ seq, line, hash });
      head = { seq, hash } as never;
    }
    await tx`select pg_notify(${NOTIFY_CHANNEL}, ${incident})`;
    return { ok: true, lines } as JournalReply;
  });
}

/** Records copied as they are: a row already there with the same hash is the same record. */
async function push(sql: postgres.Sql, incident: string, lines: StoredLine[]): Promise<JournalReply> {
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtextextended(${lockKey(incident)}, 0))`;
    let pushed = 0;
    for (const l of lines) {
      const parsed = JSON.parse(l.line) as RecordBody;
      const inserted = await tx`insert into opsconsole_journal (incident, seq, line, hash, body_hash)
        values (${incident}, ${l.seq}, ${l.line}, ${l.hash}, ${bodyHash(parsed)}) on conflict do nothing returning seq`;
      if (inserted.length > 0) {
        pushed++;
        continue;
      }
      const [there] =
        await tx`select hash from opsconsole_journal where incident = ${incident} and seq = ${l.seq}`;
      if (there?.hash !== l.hash)
        return {
          ok: false,
          problem: 'refused',
          message: `record #${l.seq} of ${incident} differs from the one in the database: the file and the database went on separately after #${l.seq - 1}. Nothing was pushed; each keeps its own records`,
        } as JournalReply;
    }
    if (pushed > 0) await tx`select pg_notify(${NOTIFY_CHANNEL}, ${incident})`;
    return { ok: true, pushed } as JournalReply;
  });
}

async function init(sql: postgres.Sql, grant: string | undefined): Promise<JournalReply> {
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtextextended('opsconsole:schema', 0))`;
    const [row] = await tx`select to_regclass('opsconsole_meta') is not null as present`;
    const [v] = row?.present ? await tx`select value from opsconsole_meta where key = 'schema_version'` : [];
    const version = Number(v?.value ?? 0);
    if (version > SCHEMA_VERSION)
      return {
        ok: false,
        problem: 'version',
        message: `the database's schema is version ${version}, newer than this opsconsole knows (${SCHEMA_VERSION})`,
      } as JournalReply;
    const applied: number[] = [];
    for (const m of MIGRATIONS.filter((x) => x.version > version)) {
      await tx.unsafe(m.sql);
      applied.push(m.version);
    }
    await tx`insert into opsconsole_meta (key, value) values ('schema_version', ${String(SCHEMA_VERSION)})
      on conflict (key) do update set value = excluded.value`;
    if (grant) {
      await tx`grant select, insert on opsconsole_journal to ${tx(grant)}`;
      await tx`grant select on opsconsole_meta to ${tx(grant)}`;
    }
    return { ok: true, version: SCHEMA_VERSION, applied } as JournalReply;
  });
}

async function answer(req: JournalRequest): Promise<JournalReply> {
  try {
    return await handle(req);
  } catch (err) {
    const p = problemOf(err);
    // The server went away (or became a standby): the next call picks a host again.
    if (p.problem === 'unavailable') current = undefined;
    return p;
  }
}

// Calls the caller waits for: answered on the port, then the flag is raised.
port.on('message', async (m: { id: number; req: JournalRequest }) => {
  const reply = await answer(m.req);
  port.postMessage({ id: m.id, reply });
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
// Calls the caller does not wait for (a probe while the database is away): answered as events.
parent.on('message', async (m: { id: number; req: JournalRequest } | { type: 'close' }) => {
  if ('type' in m) {
    await Promise.all(clients.map((x) => x.end({ timeout: 1 }).catch(() => {})));
    process.exit(0);
  }
  parent.postMessage({ type: 'answer', id: m.id, reply: await answer(m.req) });
});
