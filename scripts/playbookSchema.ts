import { z } from 'zod';
import { PlaybookSchema } from '../src/playbooks/schema';

/** The JSON Schema editors use for completion in playbooks/*.yaml, generated from the zod schema. */
export function playbookJsonSchema(): string {
  return `${JSON.stringify(z.toJSONSchema(PlaybookSchema, { io: 'input', unrepresentable: 'any' }), null, 2)}\n`;
}
