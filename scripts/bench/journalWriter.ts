// One writer process of the shared-journal benchmark (`main.mjs --journal-writer STATE URL|- ID N`):
// appends N notes to incident ID through the store the URL names (the JSONL journals for "-"), and
// prints each append's latency in ms as JSON. Run ten at once, five per bastion (state directory).
import { DEFAULT_LOCK_WAIT_MS } from '../../src/incident/fileLock';
import { IncidentRepository } from '../../src/incident/incidentRepository';
import type { IncidentStore } from '../../src/incident/incidentStore';
import { connectionOptions } from '../../src/incident/postgres/connectionOptions';
import { PgIncidentStore } from '../../src/incident/postgres/pgIncidentStore';
import { journalThreadScript } from '../../src/projectRoot';

export function openStore(stateDir: string, url: string): IncidentStore {
  return url === '-'
    ? new IncidentRepository(stateDir, 'bench@a', 30_000)
    : new PgIncidentStore(
        stateDir,
        connectionOptions(url),
        journalThreadScript(),
        'bench@a',
        DEFAULT_LOCK_WAIT_MS,
      );
}

export function runJournalWriter(args: string[]): number {
  const [stateDir, url, id, count] = args as [string, string, string, string];
  const store = openStore(stateDir, url);
  const journal = store.open(id);
  const latencies: number[] = [];
  for (let i = 0; i < Number(count); i++) {
    const t0 = performance.now();
    journal.append('note', { text: `writer ${process.pid} note ${i}` });
    latencies.push(performance.now() - t0);
  }
  store.close();
  process.stdout.write(JSON.stringify(latencies));
  return 0;
}
