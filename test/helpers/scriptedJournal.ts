import { GENESIS, hashLine } from '../../src/incident/journalChain';
import { type JournalRecord, parseRecord, type RecordKind } from '../../src/model/journalRecord';

/**
 * A journal written by a script: `add` appends a record `offsetMs` after `t0` (its event time
 * `atOffset` after, when given), chained and parsed exactly as the journal reads them.
 */
export function scriptedJournal(t0: number) {
  const records: JournalRecord[] = [];
  let prev = GENESIS;
  const add = (
    offsetMs: number,
    kind: RecordKind,
    payload: Record<string, unknown>,
    atOffset?: number,
    actor = 'alice@bastion',
  ) => {
    const raw = {
      seq: records.length + 1,
      ts: new Date(t0 + offsetMs).toISOString(),
      ...(atOffset !== undefined && { at: new Date(t0 + atOffset).toISOString() }),
      kind,
      actor,
      payload,
      prev,
    };
    prev = hashLine(JSON.stringify(raw));
    const parsed = parseRecord(raw);
    if (!parsed.ok) throw new Error(`scripted record ${kind}: ${parsed.reason}`);
    records.push(parsed.record);
  };
  return { records, add };
}
