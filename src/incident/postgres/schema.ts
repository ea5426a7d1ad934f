/**
 * The journal's tables, as numbered migrations: `opsconsole store init` applies the ones a
 * database lacks, in order, in one transaction; the console checks the version before it writes.
 * A database of a newer version than this build knows is refused rather than guessed at.
 */
export const MIGRATIONS: { version: number; what: string; sql: string }[] = [
  {
    version: 1,
    what: 'the journal table, append-only',
    sql: `
create table opsconsole_meta (key text primary key, value text not null);
-- One row a record, holding the record's line exactly as the JSONL journal would, so the chain's
-- hashes are the same on either store and one parser verifies both.
create table opsconsole_journal (
  incident text not null check (incident ~ '^[A-Za-z0-9_.][A-Za-z0-9._-]*$' and length(incident) <= 200),
  seq bigint not null check (seq > 0),
  line text not null,
  hash text not null check (length(hash) = 64),
  -- The record without its place in the chain (time, kind, actor, payload): a record sent twice
  -- (an outbox replayed after an answer was lost) is found and kept once.
  body_hash text not null check (length(body_hash) = 64),
  written_at timestamptz not null default now(),
  primary key (incident, seq),
  unique (incident, body_hash)
);
create function opsconsole_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'opsconsole_journal is append-only: records are never updated or deleted';
end $$;
create trigger opsconsole_journal_append_only before update or delete on opsconsole_journal
  for each row execute function opsconsole_refuse_change();
create trigger opsconsole_journal_no_truncate before truncate on opsconsole_journal
  for each statement execute function opsconsole_refuse_change();
revoke all on opsconsole_journal, opsconsole_meta from public;
`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

/** The channel a committed append notifies, with the incident's id as the payload. */
export const NOTIFY_CHANNEL = 'opsconsole_journal';
