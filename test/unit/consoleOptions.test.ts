import { describe, expect, it } from 'vitest';
import { GLOBAL_OPTIONS } from '../../src/cli/commands';
import { CONSOLE_VALUE_OPTIONS } from '../../src/cli/main';

describe("the console's options that take a value", () => {
  it('are the ones its command declares, so a value is never read as a subcommand', async () => {
    const { consoleCommand } = await import('../../src/cli/consoleCommand');
    const declared = Object.entries({ ...GLOBAL_OPTIONS, ...consoleCommand.options })
      .filter(([, spec]) => spec.type === 'string')
      .map(([name]) => `--${name}`);
    expect([...CONSOLE_VALUE_OPTIONS].sort()).toEqual(declared.sort());
  });
});
