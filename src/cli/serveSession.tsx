import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PassThrough } from 'node:stream';
import { render } from 'ink';
import { App } from '../../views/App';
import { ConsoleContext } from '../../views/ConsoleContext';
import { ensurePrivateDir } from '../files/privateFiles';
import { type ConsoleSessionOptions, startSharedSession } from '../session/consoleSession';
import type { DeclarePolicy } from '../session/roles';
import { SharedConsole } from '../session/sharedConsole';
import { AuthorizedKeysError, parseAuthorizedKeys } from '../transport/authorizedKeys';
import { ChannelScreen } from '../transport/channelScreen';
import { startSshServer, type TerminalSession } from '../transport/sshServer';
import { UserError } from '../userError';
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

function checkAuthorizedKeys(path: string): number {
  if (!existsSync(path)) {
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
  try {
    return parseAuthorizedKeys(readFileSync(path, 'utf8'), path).length;
  } catch (err) {
    if (err instanceof AuthorizedKeysError) throw new UserError(`opsconsole serve: ${err.message}`);
    throw err;
  }
}

/** Runs the shared console until SIGINT or SIGTERM: one session, a screen per SSH terminal. */
export async function runServe(
  options: Omit<ConsoleSessionOptions, 'exit'>,
  settings: ServeSettings,
): Promise<number> {
  const people = checkAuthorizedKeys(settings.authorizedKeysPath);
  const shared = startSharedSession(options);
  const consoles = new SharedConsole(shared, settings.declare);
  const serveScreen = (t: TerminalSession) => {
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
        <App threshold={options.thresholds.critical.above} />
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
  let server: Awaited<ReturnType<typeof startSshServer>>;
  try {
    server = await startSshServer({
      ...settings,
      onSession: serveScreen,
      log: (line) => stderr.line(`opsconsole serve: ${line}`),
    });
  } catch (err) {
    await shared.stop();
    if (err instanceof UserError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new UserError(
      `opsconsole serve: cannot listen on ${settings.host}:${settings.port}: ${e.code === 'EADDRINUSE' ? 'the port is in use' : e.message}\n  fix: --listen HOST:PORT with a free port`,
      e.code === 'EADDRINUSE' ? 1 : 2,
    );
  }
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
  return code === 130 || code === 143 ? 0 : code;
}
