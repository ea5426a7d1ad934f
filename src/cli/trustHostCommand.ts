import { fingerprint, keyTypeOf } from '../transport/knownHosts';
import {
  defaultKnownHostsFile,
  fetchHostKey,
  parseSshTarget,
  trustHostKey,
} from '../transport/sshConnection';
import { UserError } from '../userError';
import type { Command } from './commands';
import { stdout } from './output';

export const trustHostCommand: Command = {
  name: 'trust-host',
  summary: "Record an SSH host's key in known_hosts, only when you give its fingerprint.",
  usage: 'opsconsole trust-host USER@HOST[:PORT] [--fingerprint SHA256:...] [--known-hosts FILE]',
  details: [
    'Without --fingerprint: prints the key the host presents and records nothing. Compare it with',
    'the one the host owner gives you (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the host),',
    'then run again with --fingerprint to record it (hashed). No authentication is attempted.',
  ],
  options: { fingerprint: { type: 'string' }, 'known-hosts': { type: 'string' } },
  allowPositionals: true,
  async run({ values, positionals }) {
    const [spec, ...extra] = positionals;
    if (!spec || extra.length > 0) throw new UserError(`opsconsole: usage: ${trustHostCommand.usage}`);
    let target: { host: string; port: number };
    try {
      target = parseSshTarget(spec.includes('@') ? spec : `root@${spec}`);
    } catch (err) {
      throw new UserError(`opsconsole: ${(err as Error).message}`);
    }
    const file = typeof values['known-hosts'] === 'string' ? values['known-hosts'] : defaultKnownHostsFile();
    let key: Buffer;
    try {
      key = await fetchHostKey(target.host, target.port);
    } catch (err) {
      throw new UserError(
        `opsconsole: could not read the host key of ${target.host}:${target.port}: ${(err as Error).message}`,
        1,
      );
    }
    const fp = fingerprint(key);
    if (typeof values.fingerprint !== 'string') {
      stdout.line(
        `${target.host}:${target.port} presents ${keyTypeOf(key)} ${fp}\nNothing recorded. If this is the right key: opsconsole trust-host ${spec} --fingerprint ${fp}`,
      );
      return 1;
    }
    if (values.fingerprint !== fp) {
      throw new UserError(
        `opsconsole: the host presents ${fp}, not ${values.fingerprint}; nothing recorded. Do not connect until you know why.`,
        1,
      );
    }
    trustHostKey(file, target.host, target.port, key);
    stdout.line(`recorded ${keyTypeOf(key)} ${fp} for ${target.host}:${target.port} in ${file}`);
    return 0;
  },
};
