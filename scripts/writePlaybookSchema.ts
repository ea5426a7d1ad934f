import { writeFileSync } from 'node:fs';
import { playbookJsonSchema } from './playbookSchema';

writeFileSync('playbooks/playbook.schema.json', playbookJsonSchema());
