import { hostname } from 'node:os';
import { join } from 'node:path';
import { DECLARE_POLICIES, type DeclarePolicy } from '../session/roles';
import { sanitize } from '../text/sanitize';
import { UserError } from '../userError';
import type { Command } from './commands';
import { consoleSessionOptions } from './consoleCommand';
import { WATCH_OPTIONS } from './environment';
import { STORE_OPTIONS } from './logStoreSettings';

/** `HOST:PORT`, `:PORT` or `PORT`; loopback unless a host is named. */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]*):)?(\d{1,5})$/.exec(text);
  const port = Number(m?.[2]);
  if (!m || port > 65535)
    throw new UserError(
      `opsconsole serve: --listen: expected HOST:PORT such as 127.0.0.1:2222; got "${text}"`,
    );
  return { host: (m[1] || '127.0.0.1').replace(/^\[|\]$/g, ''), port };
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Share one live console over SSH: each responder their own view of the same incident.',
  usage:
    'opsconsole serve [--listen 127.0.0.1:2222] [--env NAME] [--authorized-keys PATH] [--host-key PATH] [--max-sessions N] [--idle-timeout MINUTES] [--declare responders|commanders]',
  details: [
    'Runs the sources and the incident once and accepts `ssh -p 2222 BASTION` (or `opsconsole attach`):',
    'each person gets their own console (size, focus, scroll, filters) over the same live state.',
    '  --listen ADDR          where to listen (default 127.0.0.1:2222; name a host to listen beyond loopback)',
    '  --authorized-keys PATH who may connect, one key per person (default STATE_DIR/serve/authorized_keys):',
    '                         name="alice",role="commander" ssh-ed25519 AAAA… alice@laptop',
    '                         roles: commander (runs steps, changes the incident), responder (notes, pins,',
    '                         stars), viewer (reads); without name= the comment names the person',
    '  --declare WHO          who may declare (and silence) with no incident open: responders (default:',
    '                         anyone but a viewer, who then commands it) or commanders (role="commander")',
    '  --host-key PATH        the server key, made on first start, 0600 (default STATE_DIR/serve/host_key)',
    '  --max-sessions N       open sessions at most (default 32)',
    '  --idle-timeout MIN     close a session after this many minutes without a key (default 30)',
    '  --env, --docker, --prometheus, --context, --namespace, --store-budget: as for the console',
    '',
    "Public-key authentication only; no exec, subsystems, port or agent forwarding. The host key's",
    'fingerprint is printed at start so responders can check it on their first connection.',
    'Before login: the SSH banner within 10 s, authentication within 30 s, and past 10 connections not yet',
    'authenticated new ones are refused (all of them at 100). A keys file that cannot be read or parsed',
    'refuses every key until it is fixed. Screens are drawn at most 500x200.',
  ],
  options: {
    ...WATCH_OPTIONS,
    ...STORE_OPTIONS,
    listen: { type: 'string' },
    'authorized-keys': { type: 'string' },
    'host-key': { type: 'string' },
    'max-sessions': { type: 'string' },
    'idle-timeout': { type: 'string' },
    declare: { type: 'string' },
  },
  allowPositionals: false,
  async run({ values }, globals) {
    const listen = parseListen(typeof values.listen === 'string' ? values.listen : '127.0.0.1:2222');
    const count = (flag: string, fallback: number) => {
      const v = values[flag];
      if (v === undefined) return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1)
        throw new UserError(
          `opsconsole serve: --${flag}: expected a whole number above 0; got "${String(v)}"`,
        );
      return n;
    };
    const declare = values.declare ?? 'responders';
    if (!DECLARE_POLICIES.includes(declare as DeclarePolicy))
      throw new UserError(
        `opsconsole serve: --declare: expected responders or commanders; got "${sanitize(String(declare))}"`,
      );
    const maxSessions = count('max-sessions', 32);
    const idleMinutes = count('idle-timeout', 30);
    const sessionOptions = await consoleSessionOptions(values, globals);
    // How to join, for a chat channel allowed to name this host (`links: true`): the attach command.
    const where = listen.host === '0.0.0.0' || listen.host === '::' ? hostname() : listen.host;
    const options = {
      ...sessionOptions,
      chatJoin: `opsconsole attach ${where.includes(':') ? `[${where}]` : where}:${listen.port}`,
    };
    const dir = join(options.stateDir, 'serve');
    const { runServe } = await import('./serveSession');
    return runServe(options, {
      ...listen,
      authorizedKeysPath:
        typeof values['authorized-keys'] === 'string'
          ? values['authorized-keys']
          : join(dir, 'authorized_keys'),
      hostKeyPath: typeof values['host-key'] === 'string' ? values['host-key'] : join(dir, 'host_key'),
      maxSessions,
      idleTimeoutMs: idleMinutes * 60_000,
      declare: declare as DeclarePolicy,
    });
  },
};
