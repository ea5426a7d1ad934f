import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IncidentRepository } from '../../src/incident/incidentRepository';

describe('a journal file whose name is not an incident id', () => {
  it('is not read or listed as an incident, and the fix offered is quoted for a shell', () => {
    const repo = new IncidentRepository(mkdtempSync(join(tmpdir(), 'oc-names-')), 'op@test');
    const { id } = repo.declare({ title: 'checkout down', severity: 'P1' });
    const hostile = "$(touch pwned) 'x'";
    copyFileSync(join(repo.dir, `${id}.jsonl`), join(repo.dir, `${hostile}.jsonl`));
    const { incidents, unreadable } = repo.scan();
    expect(incidents.map((i) => i.id)).toEqual([id]);
    expect(unreadable).toHaveLength(1);
    expect(unreadable[0]?.id).toBe(hostile);
    expect(unreadable[0]?.reason).toMatch(/not an incident id/);
    // Every word of the fix is single-quoted: pasting it runs mv and nothing else.
    const path = join(repo.dir, `${hostile}.jsonl`).replaceAll("'", "'\\''");
    expect(unreadable[0]?.reason).toContain(`mv -- '${path}' '${path}.aside'`);
  });
});
