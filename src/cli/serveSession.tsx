import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { PassThrough } from 'node:stream';
import { render } from 'ink';
import { App } from '../../views/App';
import { ConsoleContext } from '../../views/ConsoleContext';
import { ensurePrivateDir } from '../files/privateFiles';
import {
  type ConsoleSessionOptions,
  type SharedSession,
  startSharedSession,
} from '../session/consoleSession';
import type { DeclarePolicy } from '../session/roles';
import { SharedConsole } from '../session/sharedConsole';
import { AuthorizedKeysError } from '../transport/authorizedKeys';
import { ChannelScreen } from '../transport/channelScreen';
import { startSshServer, type TerminalSession } from '../transport/sshServer';
import { UserError } from '../userError';
import { sayChatLeftBehind } from './chatFromCli';
import { stderr } from './output';

export interface ServeSettings {
  host: string;
  port: number;
  authorizedKeysPath: string;
  hostKeyPath: string;
  maxSessions: number;
  idleTimeoutMs: number;
  /** Who may declare (and act) with no incident open; see `roles.ts`. */
  declare?: DeclarePolicy;
}

/** Keystrokes from the channel, as Ink reads a raw-mode TTY. */
/** What Ink asks of a raw-mode TTY's stdin beyond a readable stream. */
type RawKeys = PassThrough & {
  isTTY: boolean;
  setRawMode(on: boolean): unknown;
  ref(): unknown;
  unref(): unknown;
};

function channelKeys(): RawKeys {
  const input = new PassThrough() as RawKeys;
  input.isTTY = true;
  input.setRawMode = () => input;
  input.ref = () => input;
  input.unref = () => input;
  return input;
}

function requireAuthorizedKeys(path: string): void {
  if (existsSync(path)) return;
  ensurePrivateDir(dirname(path));
  throw new UserError(
    [
      `opsconsole serve: no authorized-keys file at ${path}: nobody could connect.`,
      '  fix: put one line per person there, their public key with a name and a role:',
      `    echo "name=\\"alice\\",role=\\"commander\\" $(cat ~/.ssh/id_ed25519.pub)" >> ${path}`,
      '  (roles: commander, responder, viewer), or pass --authorized-keys PATH.',
    ].join('\n'),
  );
}

/**
 * What serves one responder's SSH terminal: their own screen over the shared session (see
 * `SharedConsole`), rendered by Ink into their channel at their terminal's size (bounded by
 * `ChannelScreen`), their keystrokes in.
 */
export function terminalScreens(
  shared: SharedSession,
  consoles: SharedConsole,
  threshold: number,
): (t: TerminalSession) => void {
  return (t) => {
    const screenOut = new ChannelScreen(t.channel, t.columns, t.rows);
    const keys = channelKeys();
    t.channel.on('data', (d: Buffer) => {
      t.touched();
      keys.write(d);
    });
    const openedAt = Date.now();
    const screen = consoles.open({ name: t.who.name, role: t.who.role }, () => t.end());
    const ink = render(
      <ConsoleContext.Provider
        value={{ store: screen.store, logs: shared.logs, controls: screen.controls, color: true }}
      >
        <App threshold={threshold} />
      </ConsoleContext.Provider>,
      {
        stdout: screenOut as unknown as NodeJS.WriteStream,
        stderr: screenOut as unknown as NodeJS.WriteStream,
        stdin: keys as unknown as NodeJS.ReadStream,
        alternateScreen: true,
        interactive: true,
        incrementalRendering: false,
        maxFps: 15,
        patchConsole: false,
        exitOnCtrlC: false,
      },
    );
    // Someone not reading costs nothing: no copies of the data, so no renders, until they catch up.
    screenOut.on('backed-up', () => screen.pause());
    screenOut.on('drained', () => screen.resume());
    t.onResize((columns, rows) => screenOut.resize(columns, rows));
    t.onClose(() => {
      stderr.line(
        `opsconsole serve: ${t.who.name} left after ${Math.round((Date.now() - openedAt) / 1000)} s: ${Math.round(screenOut.sent / 1024)} KB sent, backed up ${screenOut.backups} times (rendering paused, ${screenOut.dropped} frames dropped)`,
      );
      ink.unmount();
      screenOut.end();
      keys.end();
      screen.close();
    });
  };
}

/** Runs the shared console until SIGINT or SIGTERM: one session, a screen per SSH terminal. */
export async function runServe(
  options: Omit<ConsoleSessionOptions, 'exit'>,
  settings: ServeSettings,
): Promise<number> {
  requireAuthorizedKeys(settings.authorizedKeysPath);
  const shared = startSharedSession(options);
  const consoles = new SharedConsole(shared, settings.declare);
  let server: Awaited<ReturnType<typeof startSshServer>>;
  try {
    server = await startSshServer({
      ...settings,
      onSession: terminalScreens(shared, consoles, options.thresholds.critical.above),
      log: (line) => stderr.line(`opsconsole serve: ${line}`),
    });
  } catch (err) {
    await shared.stop();
    if (err instanceof UserError) throw err;
    if (err instanceof AuthorizedKeysError) throw new UserError(`opsconsole serve: ${err.message}`);
    const e = err as NodeJS.ErrnoException;
    throw new UserError(
      `opsconsole serve: cannot listen on ${settings.host}:${settings.port}: ${e.code === 'EADDRINUSE' ? 'the port is in use' : e.message}\n  fix: --listen HOST:PORT with a free port`,
      e.code === 'EADDRINUSE' ? 1 : 2,
    );
  }
  const people = server.keys;
  if (people === 0)
    stderr.line(
      `opsconsole serve: warning: ${settings.authorizedKeysPath} holds no keys: nobody can connect until one is added (no restart needed)`,
    );
  stderr.line(
    [
      `opsconsole serve: ${options.environment} on ${settings.host}:${server.port} for ${people} key${people === 1 ? '' : 's'} in ${settings.authorizedKeysPath}`,
      `  host key ${server.fingerprint} (check it on first connection)`,
      `  connect: ssh -p ${server.port} ${settings.host}   or   opsconsole attach ${settings.host}:${server.port}`,
    ].join('\n'),
  );
  const code = await new Promise<number>((resolve) => {
    process.once('SIGINT', () => resolve(130));
    process.once('SIGTERM', () => resolve(143));
  });
  await server.stop();
  await shared.stop();
  sayChatLeftBehind(shared.chatPending());
  return code === 130 || code === 143 ? 0 : code;
}
