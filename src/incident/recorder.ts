import type { Config } from '../config/schema';
import { createRedactor, type Redactor, redactDeep } from '../export/redact';
import type { Journal } from './journal';
import type { JournalRecord, RecordKind } from './journalRecord';

/** The literal values of secrets the config points at (env vars named by *Env fields). */
export function configSecrets(config: Config | undefined, env = process.env): string[] {
  if (!config) return [];
  const names = new Set<string>();
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k.endsWith('Env') && typeof x === 'string') names.add(x);
        else walk(x);
      }
    }
  };
  walk(config);
  return [...names].map((n) => env[n]).filter((s): s is string => typeof s === 'string' && s !== '');
}

/**
 * The one way anything reaches an incident journal: redacted at capture, appended and synced
 * before the caller sees the record.
 */
export class IncidentRecorder {
  private readonly redact: Redactor;

  constructor(
    readonly journal: Journal,
    secrets: string[] = [],
  ) {
    this.redact = createRedactor(secrets);
  }

  record(kind: RecordKind, payload: Record<string, unknown>, at?: number): JournalRecord {
    return this.journal.append(kind, redactDeep(payload, this.redact), at);
  }
}
