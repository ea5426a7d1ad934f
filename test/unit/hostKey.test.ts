import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { utils } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { newHostKey } from '../../src/transport/sshServer';

describe("serve's host key", () => {
  it('is always one that ssh2 and ssh-keygen read back (ssh2 alone writes a broken one about 1 time in 256)', () => {
    // 3,000 keys: without the check, at least one broken key with odds 1 - (255/256)^3000, over 99.99%.
    const keys = Array.from({ length: 3000 }, () => newHostKey());
    const unreadable = keys.filter((k) => utils.parseKey(k) instanceof Error);
    expect(unreadable).toEqual([]);
    // OpenSSH's own reader on a sample, as a responder's ssh-keygen -lf would see the file.
    const dir = mkdtempSync(join(tmpdir(), 'hostkey-'));
    for (const [i, k] of keys.slice(0, 20).entries()) {
      const file = join(dir, `key${i}`);
      writeFileSync(file, k, { mode: 0o600 });
      expect(execFileSync('ssh-keygen', ['-lf', file], { encoding: 'utf8' })).toMatch(
        /^256 SHA256:\S+ .*\(ED25519\)/,
      );
    }
  });
});
