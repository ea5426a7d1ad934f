import type { CommandTarget } from '../model/command';
import type { PayloadInput, RecordKind } from '../model/journalRecord';
import type { PlaybookNodeView } from '../model/playbookView';
import type { LiveFacts } from './evaluateCondition';

/** What a playbook run needs from the console: live data, the journal, where commands run. */
export interface PlaybookRunContext {
  facts: () => LiveFacts;
  record: <K extends RecordKind>(kind: K, payload: PayloadInput<K>) => void;
  targetFor: (host: string) => CommandTarget;
  /** Parameter values known up front: built-ins, config deploy settings, live data. */
  values: Record<string, string>;
  /** The deploy kind of the service; steps of other variants are passed over. */
  variant?: string;
  /** What told the kind (deploy.kind in the config, compose labels of a container), for the record. */
  variantEvidence?: string;
  onChange: (view: PlaybookNodeView) => void;
  now?: () => number;
}
