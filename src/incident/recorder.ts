import type { JournalRecord, PayloadInput, RecordKind } from '../model/journalRecord';
import { createRedactor, type Redactor, redactDeep } from '../text/redact';
import type { JournalWriter } from './incidentStore';

/**
 * The one way anything reaches an incident journal: redacted at capture, appended and synced
 * before the caller sees the record.
 */
export class IncidentRecorder {
  private readonly redact: Redactor;

  constructor(
    readonly journal: JournalWriter,
    secrets: string[] = [],
  ) {
    this.redact = createRedactor(secrets);
  }

  record<K extends RecordKind>(kind: K, payload: PayloadInput<K>, at?: number): JournalRecord {
    return this.journal.append(kind, redactDeep(payload, this.redact), at);
  }
}
