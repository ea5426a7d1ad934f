import { accessSync, constants, createReadStream, statSync } from 'node:fs';
import type { Environment } from '../config/schema';
import { LineSplitter } from '../logs/lineSplitter';
import type { ContainerStatus, EventSink, SourceEvent } from '../model/sourceEvents';
import { listContainers, localDockerSocket, probeDocker } from '../sources/dockerProbe';
import { engineWatcher, type Startable, serviceLogFollowers } from '../sources/serviceLogs';
import { sanitize } from '../text/sanitize';
import { EnvironmentHosts } from '../transport/environmentHosts';
import { UserError } from '../userError';
import { stderr } from './output';

/**
 * Where `opsconsole logs` reads: files, pipes and commands named on the command line, and, for
 * --follow, the sources the console itself reads the config's logs and the local engine through.
 */

export function list(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : [];
}

/** "kubectl logs -f x" or a JSON array ["kubectl","logs","-f","x"]; never through a shell. */
export function argvOf(spec: string): string[] {
  if (spec.trim().startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(spec);
    } catch (err) {
      throw new UserError(
        `opsconsole: --cmd: "${spec}" is not a valid JSON array (${(err as Error).message}).\n  fix: quote it whole, e.g. --cmd '["kubectl","logs","-f","api"]', or give the words plainly: --cmd 'kubectl logs -f api'.`,
      );
    }
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((a) => typeof a === 'string'))
      throw new UserError(
        'opsconsole: --cmd: expected a non-empty JSON array of strings, e.g. ["tail","-f","app.log"]',
      );
    return parsed;
  }
  const words = spec.trim().split(/\s+/);
  if (words[0] === '')
    throw new UserError("opsconsole: --cmd: the command is empty.\n  fix: --cmd 'tail -f app.log'");
  return words;
}

/** The local engine's containers, or undefined when no engine answers. */
export async function localContainers(): Promise<
  { socket: string; containers: ContainerStatus[] } | undefined
> {
  const socket = localDockerSocket();
  if (!(await probeDocker(socket)).ok) return undefined;
  return { socket, containers: await listContainers(socket) };
}

/** Thrown from a scan's line handler to end it early once nobody reads the output. */
export const READER_GONE = Symbol('reader gone');

/** Regular files are scanned or followed by position; pipes and devices are read as streams. */
export function fileKind(path: string): 'file' | 'stream' {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT'
        ? `opsconsole: --file ${path}: no such file.\n  fix: check the path (a glob must be expanded by the shell).`
        : `opsconsole: --file ${path}: cannot read it (${code}).`,
    );
  }
  if (st.isDirectory())
    throw new UserError(
      `opsconsole: --file ${path}: is a directory.\n  fix: name the log files in it, e.g. --file ${path}/app.log`,
    );
  try {
    accessSync(path, constants.R_OK);
  } catch {
    throw new UserError(
      `opsconsole: --file ${path}: permission denied.\n  fix: run as a user who can read it.`,
    );
  }
  return st.isFile() ? 'file' : 'stream';
}

/** Splits a byte stream into lines for `onLine`, flushing the output after each chunk. */
export function readLines(
  stream: NodeJS.ReadableStream,
  onLine: (line: string) => void,
  flush: () => void,
): Promise<void> {
  const splitter = new LineSplitter();
  const each = (lines: string[]) => {
    for (const l of lines) onLine(l);
    flush();
  };
  stream.on('data', (d: Buffer) => each(splitter.push(d)));
  return new Promise((resolve) => {
    stream.on('end', () => {
      each(splitter.end());
      resolve();
    });
    stream.on('close', resolve);
  });
}

/** Like `tail -f` on a pipe: read until its writer closes it, then it is done. */
export function followStream(
  path: string,
  onLine: (line: string) => void,
  flush: () => void,
): { stop(): void; ended: Promise<void> } {
  const stream = createReadStream(path);
  stream.on('error', (err) => stderr.line(`opsconsole: --file ${path}: ${err.message}`));
  return { stop: () => stream.destroy(), ended: readLines(stream, onLine, flush) };
}

/**
 * Each line of a log event, with the engine's time when it gave one; a link in trouble is said once
 * on stderr, until `stopping()` (the followers report their own stop as a lost link).
 */
export function logSink(
  onLine: (source: string, line: string, at?: number) => void,
  flush: () => void,
): { sink: EventSink; stopping(): void } {
  const said = new Set<string>();
  let quiet = false;
  const sink = (e: SourceEvent) => {
    if (e.type === 'log-lines') {
      for (const [i, l] of e.lines.entries()) onLine(e.source, l, e.times?.[i]);
      flush();
    } else if (!quiet && e.type === 'source' && (e.state === 'failed' || e.state === 'reconnecting')) {
      const note = `opsconsole: logs: ${sanitize(e.id)}: ${e.state}${e.reason ? `: ${sanitize(e.reason)}` : ''}`;
      if (!said.has(note)) stderr.line(note);
      said.add(note);
    }
  };
  return { sink, stopping: () => (quiet = true) };
}

/** The config's logs, every environment's, followed exactly as the console follows them. */
export function followConfiguredLogs(envs: readonly Environment[], sink: EventSink): Startable[] {
  return envs.map((env) => {
    const hosts = new EnvironmentHosts(env, sink);
    const followers = serviceLogFollowers(env, sink, hosts, { filesFromStart: true });
    return {
      start: () => {
        for (const f of followers) f.start();
      },
      stop: () => {
        for (const f of followers) f.stop();
        hosts.stop();
      },
    };
  });
}

/** The local engine's containers, those started later too, followed as the console follows them. */
export function followLocalEngine(socket: string, sink: EventSink): Startable {
  return engineWatcher('local', { socketPath: socket }, sink, true);
}
