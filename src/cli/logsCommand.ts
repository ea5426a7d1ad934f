import { spawn } from 'node:child_process';
import { accessSync, constants, createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { LineSplitter } from '../logs/lineSplitter';
import { type LogFilter, matchesFilter } from '../logs/logFilter';
import { LEVELS, type Level, type LogRecord } from '../logs/logRecord';
import { parseLine } from '../logs/parseLine';
import { PatternIndex } from '../logs/patterns/patternIndex';
import { scanFile } from '../logs/scanLines';
import { type ContainerStatus, serviceOf } from '../model/sourceEvents';
import { DockerLogSource } from '../sources/dockerLogSource';
import { containerLogTail, listContainers, localDockerSocket, probeDocker } from '../sources/dockerProbe';
import { FileFollower } from '../sources/fileFollower';
import { parseDuration } from '../text/duration';
import { inertJson } from '../text/inert';
import { sanitize } from '../text/sanitize';
import { UserError } from '../userError';
import type { Command } from './commands';
import { parseWhen } from './incidentCommand';
import { patternJson, patternOrder, patternText } from './logPatterns';
import { stderr, stdout } from './output';
import { FOLLOW_MERGE_WINDOW_MS, TimeMerge } from './timeMerge';

function list(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : [];
}

/** "kubectl logs -f x" or a JSON array ["kubectl","logs","-f","x"]; never through a shell. */
function argvOf(spec: string): string[] {
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
async function localContainers(): Promise<{ socket: string; containers: ContainerStatus[] } | undefined> {
  const socket = localDockerSocket();
  if (!(await probeDocker(socket)).ok) return undefined;
  return { socket, containers: await listContainers(socket) };
}

/** Thrown from a scan's line handler to end it early once nobody reads the output. */
const READER_GONE = Symbol('reader gone');

/** Regular files are scanned or followed by position; pipes and devices are read as streams. */
function fileKind(path: string): 'file' | 'stream' {
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
function readLines(
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
function followStream(
  path: string,
  onLine: (line: string) => void,
  flush: () => void,
): { stop(): void; ended: Promise<void> } {
  const stream = createReadStream(path);
  stream.on('error', (err) => stderr.line(`opsconsole: --file ${path}: ${err.message}`));
  return { stop: () => stream.destroy(), ended: readLines(stream, onLine, flush) };
}

export const logsCommand: Command = {
  name: 'logs',
  summary: 'Print sanitized, filtered log lines from files and commands, for pipes.',
  usage:
    'opsconsole logs [--file PATH]... [--cmd ARGV]... [--request-id ID] [--level L] [--grep RE] [--since DURATION] [--follow] [--json] [--patterns [--new-since TIME]]',
  details: [
    'Lines are parsed (JSON, logfmt, plain), filtered, and printed with every terminal control',
    'sequence removed. --request-id matches the parsed field, else the text. --follow keeps',
    'reading files across rotation and truncation. Without --file/--cmd the config log files are used.',
    `Levels: ${LEVELS.join(', ')}.`,
    '--patterns prints the message templates instead of the lines (timestamps, levels and ids taken',
    'off, values as <*>), most frequent first, with counts, first and last seen and a sample;',
    '--new-since TIME (2026-11-21T02:06:00Z or -30m) keeps those first seen after TIME; with --json,',
    'one object per template, with the 1-based line numbers of the lines it grouped.',
  ],
  options: {
    file: { type: 'string', multiple: true },
    cmd: { type: 'string', multiple: true },
    'request-id': { type: 'string' },
    level: { type: 'string' },
    grep: { type: 'string' },
    since: { type: 'string' },
    follow: { type: 'boolean' },
    json: { type: 'boolean' },
    patterns: { type: 'boolean' },
    'new-since': { type: 'string' },
  },
  allowPositionals: false,
  async run({ values }, globals) {
    let files = list(values.file);
    const cmds = list(values.cmd);
    /** With no file, command or config: the local Docker engine's containers, by service. */
    let docker: { socket: string; containers: ContainerStatus[] } | undefined;
    if (files.length === 0 && cmds.length === 0) {
      const { findConfig, loadConfigFile } = await import('../config/load');
      const path = findConfig(globals.config);
      const config = path ? loadConfigFile(path).config : undefined;
      files = Object.values(config?.environments ?? {}).flatMap((env) =>
        Object.values(env.services).flatMap((s) =>
          s.logs.flatMap((l) => ('file' in l && !l.host ? [l.file] : [])),
        ),
      );
      if (files.length === 0 && !path) docker = await localContainers();
      if (files.length === 0 && !docker)
        throw new UserError('opsconsole: logs: give --file or --cmd (no local log files in the config)');
    }
    const level = values.level as string | undefined;
    if (level !== undefined && !(LEVELS as readonly string[]).includes(level)) {
      throw new UserError(
        `opsconsole: --level: expected one of ${LEVELS.join(', ')}; got "${sanitize(level)}"`,
      );
    }
    let grep: RegExp | undefined;
    try {
      grep = typeof values.grep === 'string' ? new RegExp(values.grep) : undefined;
    } catch (err) {
      throw new UserError(`opsconsole: --grep: ${(err as Error).message}`);
    }
    const sinceMs = typeof values.since === 'string' ? parseDuration(values.since) : undefined;
    if (typeof values.since === 'string' && sinceMs === undefined)
      throw new UserError(
        `opsconsole: --since: expected a duration such as 15m; got "${sanitize(values.since)}"`,
      );
    const kinds = new Map(files.map((f) => [f, fileKind(f)]));
    const requestId = values['request-id'] as string | undefined;
    const filter: LogFilter = {
      ...(requestId && { requestId }),
      ...(level && { minLevel: level as Level }),
      ...(grep && { include: grep }),
    };
    const since = sinceMs === undefined ? undefined : Date.now() - sinceMs;
    const json = values.json === true;
    const patterns = values.patterns === true ? new PatternIndex({ keepLines: json }) : undefined;
    if (patterns && values.follow)
      throw new UserError('opsconsole: logs: --patterns reads to the end; it cannot --follow');
    if (!patterns && values['new-since'] !== undefined)
      throw new UserError('opsconsole: logs: --new-since goes with --patterns');
    const newSince = typeof values['new-since'] === 'string' ? parseWhen(values['new-since']) : undefined;
    const lineNumbers = new Map<string, number>();
    let seq = 0;
    const out: string[] = [];
    const flush = () => {
      if (out.length > 0) stdout.write(`${out.join('\n')}\n`);
      out.length = 0;
    };
    const inputs = files.length + cmds.length + (docker?.containers.length ?? 0);
    const print = (r: LogRecord) => {
      out.push(
        json
          ? inertJson({
              time: new Date(r.time).toISOString(),
              source: r.source,
              level: r.level ?? null,
              requestId: r.requestId ?? null,
              status: r.status ?? null,
              message: r.message,
            })
          : inputs > 1
            ? `${r.source}: ${r.text}`
            : r.text,
      );
      if (out.length >= 1000) flush();
    };
    // Several inputs followed, or the engine's containers, come out merged by time.
    const merge =
      inputs > 1 && (values.follow || docker)
        ? new TimeMerge(FOLLOW_MERGE_WINDOW_MS, print, flush)
        : undefined;
    /** One line of `source`; `at` is when its runtime received it (the engine's timestamp), if known. */
    const handle = (source: string, line: string, at?: number) => {
      if (stdout.readerGone) return;
      const lineNumber = (lineNumbers.get(source) ?? 0) + 1;
      lineNumbers.set(source, lineNumber);
      const r = parseLine(line, { source, seq: seq++, receivedAt: at ?? Date.now() });
      if (since !== undefined && r.time < since) return;
      if (!matchesFilter(r, filter)) return;
      if (patterns) {
        patterns.add({ ...r, line: lineNumber });
        return;
      }
      if (merge) merge.add(r);
      else print(r);
    };
    // A literal request id is searched in the raw bytes first; only candidate lines are parsed.
    // Templates number every line, so they read them all.
    const needle = requestId && !patterns ? Buffer.from(requestId) : undefined;
    if (!values.follow) {
      for (const f of files) {
        try {
          scanFile(f, needle, (line) => {
            if (stdout.readerGone) throw READER_GONE;
            handle(basename(f), line);
          });
        } catch (err) {
          if (err === READER_GONE) return 0;
          throw new UserError(
            `opsconsole: cannot read ${f}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
            1,
          );
        }
      }
    }
    const followers: ({ stop(): void } | { stop(): void; ended: Promise<void> })[] = values.follow
      ? files.map((f) => {
          // A pipe or device has no positions to poll: it is read as the stream it is, to its end.
          if (kinds.get(f) === 'stream') return followStream(f, (line) => handle(basename(f), line), flush);
          const follower = new FileFollower(
            f,
            basename(f),
            (e) => {
              if (e.type === 'log-lines') for (const l of e.lines) handle(e.source, l);
              flush();
            },
            { fromStart: true, pollMs: 200 },
          );
          follower.start();
          return follower;
        })
      : [];
    if (docker) {
      const { socket, containers } = docker;
      if (values.follow) {
        // Each container's stream, merged as lines arrive; its lines carry its service's name.
        for (const c of containers.filter((x) => x.state === 'running')) {
          const source = new DockerLogSource(c.name, serviceOf(c), { socketPath: socket }, (e) => {
            if (e.type === 'log-lines')
              for (const [i, l] of e.lines.entries()) handle(e.source, l, e.times?.[i]);
            flush();
          });
          source.start();
          followers.push(source);
        }
      } else {
        for (const c of containers)
          for (const line of await containerLogTail(socket, c.name, 500)) handle(serviceOf(c), line);
        merge?.stop();
      }
    }
    const argvs = cmds.map(argvOf);
    const children = argvs.map(([file, ...args]) => {
      const child = spawn(file as string, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      const name = basename(file as string);
      stdout.onClosed(() => child.kill());
      for (const stream of [child.stdout, child.stderr])
        void readLines(stream, (l) => handle(name, l), flush);
      return new Promise<number>((resolve) => {
        child.on('error', (err) => {
          stderr.line(`opsconsole: --cmd ${file}: ${err.message}`);
          resolve(1);
        });
        child.on('close', (code) => resolve(code ?? 1));
      });
    });
    flush();
    const codes = await Promise.all(children);
    if (patterns) {
      const sources = new Set<string>();
      const shown = patterns
        .all()
        .filter((p) => newSince === undefined || p.firstSeen > newSince)
        .sort(patternOrder);
      for (const p of shown) sources.add(p.source);
      for (const p of shown) {
        if (stdout.readerGone) break;
        out.push(json ? patternJson(p) : patternText(p, sources.size > 1));
        if (out.length >= 1000) flush();
      }
      flush();
    }
    if (values.follow) {
      // Until a signal, the reader of our output going away (`| head`), or every input being a
      // pipe that its writer has closed (regular files are followed until stopped).
      await new Promise<void>((resolve) => {
        for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(sig, () => resolve());
        stdout.onClosed(resolve);
        if (followers.every((f) => 'ended' in f))
          void Promise.all(followers.map((f) => f.ended)).then(() => resolve());
      });
      for (const f of followers) f.stop();
      merge?.stop();
      if (!stdout.readerGone) flush();
    }
    if (stdout.readerGone) return 0;
    return codes.some((c) => c !== 0) ? 1 : 0;
  },
};
