import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderExport } from '../../src/cli/exportCommand';
import { IncidentRepository } from '../../src/incident/incidentRepository';
import { IncidentSession } from '../../src/session/incidentSession';
import { secretCorpus } from '../fixtures/secretCorpus';
import { runCli } from '../helpers/cli';

const corpus = secretCorpus(7);

function survivors(text: string): string[] {
  return corpus.filter((c) => text.includes(c.secret)).map((c) => `${c.family}: ${c.secret}`);
}

describe('no secret reaches the journal, either export or the console draft', () => {
  it('notes and pinned log lines recorded in the console', () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'oc-secrets-'));
    const repo = new IncidentRepository(stateDir, 'op@test');
    const session = new IncidentSession(repo, [], () => {});
    const { id } = session.declare('secret leak drill', 'P2');
    for (const c of corpus) {
      session.note(`found ${c.text} in the logs`);
      session.pin('api', JSON.stringify({ level: 'error', msg: c.text }), [c.text], Date.now());
    }
    const journal = readFileSync(repo.pathOf(id), 'utf8');
    const draftPath = session.exportDraft(stateDir) as string;
    const state = repo.load(id);
    const outputs = {
      journal,
      'console draft': readFileSync(draftPath, 'utf8'),
      'export md': renderExport(state, 'md'),
      'export json': renderExport(state, 'json'),
    };
    for (const [where, text] of Object.entries(outputs)) {
      expect(survivors(text), where).toEqual([]);
      expect(text, where).toContain('[REDACTED]');
    }
    session.close();
  });

  it('through the CLI: incident note, export md and json', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'oc-secrets-cli-'));
    const env = { OPSCONSOLE_STATE_DIR: stateDir };
    const id = (
      await runCli(['incident', 'declare', '--title', 'drill', '--severity', 'P3'], { env })
    ).stdout.trim();
    const noted = await runCli(['incident', 'note', id, corpus.map((c) => c.text).join(' | ')], { env });
    expect(noted.code).toBe(0);
    const md = await runCli(['export', id], { env });
    const json = await runCli(['export', id, '--format', 'json'], { env });
    const journal = readdirSync(join(stateDir, 'incidents'))
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => readFileSync(join(stateDir, 'incidents', f), 'utf8'))
      .join('');
    for (const [where, text] of Object.entries({ journal, md: md.stdout, json: json.stdout }))
      expect(survivors(text), where).toEqual([]);
  });
});
