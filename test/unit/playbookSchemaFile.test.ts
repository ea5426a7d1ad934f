import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { playbookJsonSchema } from '../../scripts/playbookSchema';

describe('playbooks/playbook.schema.json', () => {
  it('is the JSON Schema generated from the zod schema (run `npm run schema` after changing it)', () => {
    expect(readFileSync('playbooks/playbook.schema.json', 'utf8')).toBe(playbookJsonSchema());
  });
});
