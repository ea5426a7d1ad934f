import { IncidentRepository } from '../incident/incidentRepository';
import type { IncidentStore } from '../incident/incidentStore';
import { readJournalText } from '../incident/journal';
import { hashLine, parseJournal } from '../incident/journalChain';
import { PgIncidentStore } from '../incident/postgres/pgIncidentStore';
import { describeDamage } from '../model/journalRecord';
import { UserError } from '../userError';

/**
 * `incident push ID`: a JSONL incident of this state directory copied into the environment's
 * database as it is (same seqs, same lines, so the same chain), verified before on the file and
 * after in the database. Running it again copies nothing new; a database that holds other records
 * for those seqs is refused, and nothing is written.
 */
export function pushIncident(stateDir: string, target: IncidentStore, id: string): string {
  if (!(target instanceof PgIncidentStore))
    throw new UserError(
      'opsconsole: incident push copies a journal into the database, and this environment has no `store: postgres://…`.\n  fix: add one to the environment (or pass --env NAME of one that has it)',
      2,
    );
  const files = new IncidentRepository(stateDir);
  files.open(id);
  const text = readJournalText(files.pathOf(id));
  const parsed = parseJournal(text);
  if (parsed.damage)
    throw new UserError(
      `opsconsole: the journal of ${id} is damaged at ${describeDamage(parsed.damage)}; nothing was pushed.\n  fix: \`opsconsole incident repair ${id}\` first (with no store: set, or in another environment)`,
      1,
    );
  const lines = text
    .slice(0, parsed.goodBytes)
    .split('\n')
    .filter((l) => l !== '')
    .map((line) => ({ seq: (JSON.parse(line) as { seq: number }).seq, line, hash: hashLine(line) }));
  const { pushed, total } = target.push(id, lines);
  return `${id}: ${pushed} record${pushed === 1 ? '' : 's'} pushed, ${lines.length - pushed} already there; ${total} in ${target.where}, the chain verified on both sides`;
}
