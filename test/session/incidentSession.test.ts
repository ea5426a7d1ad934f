import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IncidentRepository } from '../../src/incident/incidentRepository';
import { Journal } from '../../src/incident/journal';
import type { ActiveIncident, TimelineEntry } from '../../src/model/incident';
import { IncidentSession } from '../../src/session/incidentSession';

function session() {
  const stateDir = mkdtempSync(join(tmpdir(), 'oc-session-'));
  const repo = new IncidentRepository(stateDir, 'op@test');
  const published: { active?: ActiveIncident; timeline: TimelineEntry[] }[] = [];
  const s = new IncidentSession(repo, ['s3cr3t-token'], (active, timeline) =>
    published.push({ ...(active && { active }), timeline }),
  );
  return { s, repo, published, last: () => published.at(-1) };
}

describe('incident session (no terminal)', () => {
  it('keeps observations from before the declaration and journals them at their own times', () => {
    const { s, last } = session();
    const at = Date.now() - 60_000;
    s.observe([
      {
        at,
        kind: 'release',
        severity: 'info',
        text: 'api v1 → v2',
        data: { service: 'api', host: 'demo', from: 'v1', to: 'v2', reason: 'deploy' },
      },
    ]);
    expect(last()).toBeUndefined();
    s.declare('api errors', 'P1');
    const timeline = last()?.timeline ?? [];
    expect(timeline.map((e) => e.kind)).toEqual(['release', 'incident.declared']);
    expect(timeline[0]?.at).toBe(at);
  });

  it('redacts what it records, and publishes only after the record is on disk', () => {
    const { s, repo, last } = session();
    const { id } = s.declare('db down', 'P2');
    s.note('token s3cr3t-token and password=hunter22 in the logs');
    const onDisk = readFileSync(repo.pathOf(id), 'utf8');
    expect(onDisk).not.toContain('s3cr3t-token');
    expect(onDisk).not.toContain('hunter22');
    expect(last()?.timeline.at(-1)?.text).toBe('Note: token [REDACTED] and password=[REDACTED] in the logs');
  });

  it('applies what other processes append, reading only the new bytes, and survives a repair', () => {
    const { s, repo, last } = session();
    const { id } = s.declare('shared', 'P2');
    const other = new Journal(repo.pathOf(id), 'bob@other');
    other.append('note', { text: 'from bob' });
    s.note('from me');
    expect(last()?.timeline.map((e) => e.text)).toEqual([
      'Incident declared: shared (P2), commander op',
      'Note: from bob',
      'Note: from me',
    ]);
    // Someone breaks the chain and repairs it: the file is rewritten, the session starts over.
    const path = repo.pathOf(id);
    writeFileSync(path, `${readFileSync(path, 'utf8')}garbage\n`);
    new Journal(path, 'bob@other').repair();
    s.note('after the repair');
    const texts = last()?.timeline.map((e) => e.text) ?? [];
    expect(texts).toContain('Journal repaired after damage');
    expect(texts.at(-1)).toBe('Note: after the repair');
    expect(texts.filter((t) => t === 'Note: from me')).toHaveLength(1);
    expect(last()?.active?.journalProblem).toBeUndefined();
  });

  it('shows a damaged journal in the incident it publishes', () => {
    const { s, repo, last } = session();
    const { id } = s.declare('x', 'P3');
    const path = repo.pathOf(id);
    writeFileSync(path, `${readFileSync(path, 'utf8')}not json\n`);
    expect(() => s.note('refused')).toThrow(/damaged at line 2/);
    s.resume();
    expect(last()?.active?.journalProblem).toMatch(/journal damaged at line 2/);
  });
});

describe('records another writer got wrong', () => {
  it('are reported in the draft, not cast into the incident', async () => {
    const { renderExport } = await import('../../src/cli/exportCommand');
    const { hashLine } = await import('../../src/incident/journalChain');
    const { s, repo } = session();
    const { id } = s.declare('mixed writers', 'P2');
    const path = repo.pathOf(id);
    const [line] = readFileSync(path, 'utf8').trimEnd().split('\n');
    // A chained record whose note has no text: a writer's bug, not damage to the chain.
    const bad = JSON.stringify({
      seq: 2,
      ts: new Date().toISOString(),
      kind: 'note',
      actor: 'eve@elsewhere',
      payload: { words: 'no text field' },
      prev: hashLine(line as string),
    });
    writeFileSync(path, `${line}\n${bad}\n`);
    const state = repo.load(id);
    expect(state.damage).toBeUndefined();
    expect(state.notes).toEqual([]);
    expect(state.unreadable).toEqual([
      expect.objectContaining({ line: 2, seq: 2, kind: 'note', reason: expect.stringMatching(/text/) }),
    ]);
    expect(renderExport(state, 'md')).toMatch(
      /Some records could not be read[\s\S]*line 2 \(record #2, note\)/,
    );
  });
});
