import { resolve } from 'node:path';
import { buildPostmortem, renderPostmortemMarkdown } from '../export/postmortem';
import { writeFileAtomic } from '../files/privateFiles';
import type { IncidentState } from '../incident/incidentState';
import { encodeRecording } from '../logstore/recordingFile';
import { describeDamage } from '../model/journalRecord';
import { inertJson } from '../text/inert';
import { createRedactor, redactDeep } from '../text/redact';
import { sanitize } from '../text/sanitize';
import { UserError } from '../userError';
import type { Command } from './commands';
import { incidentContext } from './incidentCommand';
import { stderr, stdout } from './output';
import { recordingOfIncident, releaseIncident } from './recordings';

export type ExportFormat = 'md' | 'json';

/** The post-mortem draft of an incident as text, redacted again at export. */
export function renderExport(state: IncidentState, format: ExportFormat, secrets: string[] = []): string {
  const redact = createRedactor(secrets);
  const pm = redactDeep(buildPostmortem(state), redact);
  return format === 'json' ? `${inertJson(pm, 2)}\n` : renderPostmortemMarkdown(pm);
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'Write the post-mortem draft of an incident (Markdown or JSON).',
  usage:
    'opsconsole export [ID] [--format md|json] [--out PATH]\n       opsconsole export ID --recording FILE [--env NAME]',
  details: [
    "--recording FILE writes the incident's recording instead (its journal, and every signal the console",
    'received from half an hour before it began until it was resolved), redacted, compressed, 0600,',
    "for `opsconsole replay FILE` on any machine; the incident's signals may then be evicted again.",
    'Without ID: the open incident, else the newest. Without --out: to standard output.',
    'The file is replaced atomically: an interrupted export leaves the old file or the new one.',
  ],
  options: {
    format: { type: 'string' },
    out: { type: 'string' },
    recording: { type: 'string' },
    env: { type: 'string' },
  },
  allowPositionals: true,
  async run({ values, positionals }, globals) {
    if (positionals.length > 1) throw new UserError('opsconsole: export takes at most one incident ID');
    const format = String(values.format ?? 'md');
    if (format !== 'md' && format !== 'json')
      throw new UserError(`opsconsole: --format: expected md or json; got "${sanitize(format)}"`);
    const ctx = incidentContext(globals.config);
    const id = ctx.repo.resolveId(positionals[0]);
    const state = ctx.repo.load(id);
    if (state.damage)
      stderr.line(
        `opsconsole: warning: the journal of ${id} is damaged at ${describeDamage(state.damage)}; the draft says so.\n  fix: opsconsole incident repair ${id}`,
      );
    if (typeof values.recording === 'string') {
      const env = typeof values.env === 'string' ? values.env : undefined;
      const stateDir = ctx.stateDir;
      const rec = recordingOfIncident(
        stateDir,
        state,
        ctx.secrets,
        (m) => stderr.line(`opsconsole: ${m}`),
        env,
      );
      const path = resolve(values.recording);
      writeFileAtomic(path, encodeRecording(rec));
      ctx.recorderFor(id).record('export.written', { path, format: 'recording' });
      // Exported, the range is in the file: the store may let it go (an open incident keeps it still).
      if (state.status === 'resolved') releaseIncident(stateDir, id, env);
      stderr.line(
        `wrote ${path} (${rec.lines.length} log lines, ${rec.events.length} events, ${rec.journal.length} records)`,
      );
      return 0;
    }
    const text = renderExport(state, format, ctx.secrets);
    if (typeof values.out === 'string') {
      const path = resolve(values.out);
      writeFileAtomic(path, text);
      ctx.recorderFor(id).record('export.written', { path, format });
      stderr.line(`wrote ${path}`);
    } else {
      stdout.write(text);
    }
    return 0;
  },
};
