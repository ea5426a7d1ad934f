import { spawn } from 'node:child_process';
import { UserError } from '../userError';
import type { Command } from './commands';

/** `[user@]host[:port]` as `ssh` takes it: the port apart, so it goes to `-p`. */
export function attachTarget(text: string): { destination: string; port: string } {
  const m = /^((?:[A-Za-z0-9._-]+@)?(?:\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+))(?::(\d{1,5}))?$/.exec(text);
  if (!m) throw new UserError(`opsconsole attach: expected [user@]host[:port]; got "${text}"`);
  return { destination: (m[1] as string).replace(/\[|\]/g, ''), port: m[2] ?? '2222' };
}

export const attachCommand: Command = {
  name: 'attach',
  summary: 'Join a shared console (`opsconsole serve`) over SSH: ssh -t with the right options.',
  usage: 'opsconsole attach [user@]bastion[:port] [-i IDENTITY]',
  details: [
    'Runs `ssh -t -p PORT [-i IDENTITY] [user@]bastion` (port 2222 by default). Plain ssh works as well;',
    "the server's host key fingerprint, printed by `opsconsole serve` at start, is the one to accept.",
    "  -i, --identity PATH   the private key whose public half is in the server's authorized-keys file",
  ],
  options: { identity: { type: 'string', short: 'i' } },
  allowPositionals: true,
  async run({ values, positionals }) {
    const [target, ...extra] = positionals;
    if (!target || extra.length > 0)
      throw new UserError('opsconsole attach: usage: opsconsole attach [user@]bastion[:port]');
    const { destination, port } = attachTarget(target);
    const identity = typeof values.identity === 'string' ? ['-i', values.identity] : [];
    const child = spawn(
      'ssh',
      ['-t', '-p', port, ...identity, '-o', 'ForwardAgent=no', '-o', 'ForwardX11=no', destination],
      {
        stdio: 'inherit',
      },
    );
    return new Promise<number>((resolve) => {
      child.on('error', (err) => {
        process.stderr.write(`opsconsole attach: cannot run ssh: ${err.message}\n`);
        resolve(1);
      });
      child.on('exit', (code) => resolve(code ?? 1));
    });
  },
};
