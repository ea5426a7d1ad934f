import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import type { Environment } from '../config/schema';
import { compileFilter, type LogFilter, matchesFilter } from '../logs/logFilter';
import { LEVELS, type Level, type LogRecord } from '../logs/logRecord';
import { JOIN_WINDOW_MS } from '../logs/multiline';
import { parseLine } from '../logs/parseLine';
import { PatternIndex } from '../logs/patterns/patternIndex';
import { scanFile } from '../logs/scanLines';
import { type ContainerStatus, serviceOf } from '../model/sourceEvents';
import { containerLogTail, localDockerSocket } from '../sources/dockerProbe';
import { FileFollower } from '../sources/fileFollower';
import type { Startable } from '../sources/serviceLogs';
import { parseDuration } from '../text/duration';
import { sanitize } from '../text/sanitize';
import { UserError } from '../userError';
import type { Command } from './commands';
import { parseWhen } from './incidentCommand';
import {
  argvOf,
  fileKind,
  followConfiguredLogs,
  followLocalEngine,
  followStream,
  list,
  localContainers,
  logSink,
  READER_GONE,
  readLines,
} from './logInputs';
import { formatLogLine } from './logLineFormat';
import { patternJson, patternOrder, patternText } from './logPatterns';
import { stderr, stdout } from './output';
import { RecordAssembler } from './recordAssembler';
import { FOLLOW_MERGE_WINDOW_MS, TimeMerge } from './timeMerge';

export const logsCommand: Command = {
  name: 'logs',
  summary: 'Print sanitized, filtered log lines from files and commands, for pipes.',
  usage:
    'opsconsole logs [--file PATH]... [--cmd ARGV]... [--request-id ID] [--level L] [--grep RE | --filter QUERY] [--since T] [--until T] [--follow [--store [--env NAME]]] [--json] [--patterns [--new-since TIME]]\n       opsconsole logs --stored [--env NAME] [--filter QUERY] [--request-id ID] [--level L] [--grep RE] [--since T] [--until T] [--json]',
  details: [
    'Lines are parsed (JSON, logfmt, plain), filtered, and printed with every terminal control',
    'sequence removed. --request-id matches the parsed field, else the text. --follow keeps',
    "reading files across rotation and truncation. Without --file/--cmd: the config's logs (with",
    '--follow every kind, read as the console reads them: files local or over SSH, containers,',
    "journald, commands; without it, its local files), else the local Docker engine's containers.",
    "--cmd runs a command without a shell: 'kubectl logs -f api' is split on spaces; for an",
    'argument with spaces (or quotes) give a JSON array: --cmd \'["sh","-c","tail -F a.log"]\'.',
    `Levels: ${LEVELS.join(', ')}.`,
    '--patterns prints the message templates instead of the lines (timestamps, levels and ids taken',
    'off, values as <*>), most frequent first, with counts, first and last seen and a sample;',
    '--new-since TIME (2026-11-21T02:06:00Z or -30m) keeps those first seen after TIME; with --json,',
    'one object per template, with the 1-based line numbers of the lines it grouped.',
    '--follow --store also keeps every line followed (filtered or not) in the log store of the',
    'environment (--env NAME, else the default one), as the console does, for --stored to answer.',
    '--stored answers from the log store the console and serve keep for an environment (every line',
    'they saw, within its disk budget), while they run too; --request-id there is the parsed field.',
    '--since and --until take a duration back from now (15m) or a time (2026-11-21T03:12:00Z).',
    "--filter QUERY takes the log pane's filter as typed there: rid:ID level:L src:a,b pat:KEY, words",
    '(all must appear, any case), -word to exclude, /re/ for a regular expression.',
  ],
  options: {
    file: { type: 'string', multiple: true },
    cmd: { type: 'string', multiple: true },
    'request-id': { type: 'string' },
    level: { type: 'string' },
    grep: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    stored: { type: 'boolean' },
    store: { type: 'boolean' },
    env: { type: 'string' },
    follow: { type: 'boolean' },
    json: { type: 'boolean' },
    patterns: { type: 'boolean' },
    'new-since': { type: 'string' },
    filter: { type: 'string' },
  },
  allowPositionals: false,
  async run({ values }, globals) {
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
    const since = timeFlag(values, 'since');
    const until = timeFlag(values, 'until');
    if (since !== undefined && until !== undefined && since > until)
      throw new UserError(
        `opsconsole: logs: --since (${new Date(since).toISOString()}) is after --until (${new Date(until).toISOString()}): no line can match\n  fix: swap them`,
      );
    const requestId = values['request-id'] as string | undefined;
    const filter: LogFilter = {
      ...paneQuery(values),
      ...(requestId && { requestId }),
      ...(level && { minLevel: level as Level }),
      ...(grep && { include: grep }),
      // A pattern with no special characters is a word too: the store can skip lines without it.
      ...(typeof values.grep === 'string' &&
        !/[\\^$.|?*+()[\]{}]/.test(values.grep) && { words: [values.grep] }),
    };
    // Loaded only when asked: a scan of a file never pays for SQLite.
    if (values.stored)
      return (await import('./storedLogs')).printStoredLogs(values, globals.config, {
        filter,
        since,
        until,
        json: values.json === true,
      });
    const keep = values.store
      ? await (await import('./followStore')).openFollowStore(values, globals.config)
      : undefined;
    let files = list(values.file);
    const cmds = list(values.cmd);
    /** With no file, command or config: the local Docker engine's containers, by service. */
    let docker: { socket: string; containers: ContainerStatus[] } | undefined;
    /** With a config and --follow: its environments, whose logs are followed as the console does. */
    let configured: Environment[] = [];
    if (files.length === 0 && cmds.length === 0) {
      const { findConfig, loadConfigFile } = await import('../config/load');
      const path = findConfig(globals.config);
      const envs = Object.values((path ? loadConfigFile(path).config : undefined)?.environments ?? {});
      const logCount = envs.reduce(
        (n, env) => n + Object.values(env.services).flatMap((s) => s.logs).length,
        0,
      );
      if (values.follow && logCount > 0) configured = envs;
      else
        files = envs.flatMap((env) =>
          Object.values(env.services).flatMap((s) =>
            s.logs.flatMap((l) => ('file' in l && !l.host ? [l.file] : [])),
          ),
        );
      if (files.length < logCount && !values.follow)
        stderr.line(
          `opsconsole: logs: ${logCount - files.length} of the config's ${logCount} logs (remote files, containers, journald, commands) are read with --follow`,
        );
      if (files.length === 0 && configured.length === 0 && !path) docker = await localContainers();
      if (files.length === 0 && configured.length === 0 && !docker)
        throw new UserError(
          path
            ? `opsconsole: logs: nothing to read: ${path} names no local log file${logCount > 0 ? ' (its other logs are read with --follow)' : ''}\n  fix: give --file PATH or --cmd ARGV, or add logs to a service in the config`
            : `opsconsole: logs: nothing to read: no --file or --cmd, no config file, and no Docker engine answered at ${localDockerSocket()}\n  fix: give --file PATH or --cmd ARGV, or write a config with opsconsole init`,
        );
    }
    const kinds = new Map(files.map((f) => [f, fileKind(f)]));
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
    const inputs =
      files.length + cmds.length + (docker?.containers.length ?? 0) + (configured.length > 0 ? 2 : 0);
    const print = (r: LogRecord) => {
      out.push(formatLogLine(r, { json, withSource: inputs > 1 }));
      if (out.length >= 1000) flush();
    };
    // Several inputs followed, or the engine's containers, come out merged by time.
    const merge =
      inputs > 1 && (values.follow || docker)
        ? new TimeMerge(FOLLOW_MERGE_WINDOW_MS, print, flush)
        : undefined;
    /** One line of `source`; `at` is when its runtime received it (the engine's timestamp), if known. */
    /** A whole record (a stack trace is one, whatever its lines), on its way out. */
    const deliver = (r: LogRecord, numbers: number[]) => {
      if (stdout.readerGone) return;
      keep?.add(r);
      if ((since !== undefined && r.time < since) || (until !== undefined && r.time > until)) return;
      if (!matchesFilter(r, filter)) return;
      if (patterns) {
        patterns.add({ ...r, line: numbers[0] as number }).lines?.push(...numbers.slice(1));
        return;
      }
      if (merge) merge.add(r);
      else print(r);
    };
    const records = new RecordAssembler(deliver, values.follow ? FOLLOW_HOLD_MS : undefined, flush);
    const handle = (source: string, line: string, at?: number) => {
      if (stdout.readerGone) return;
      const lineNumber = (lineNumbers.get(source) ?? 0) + 1;
      lineNumbers.set(source, lineNumber);
      const receivedAt = at ?? Date.now();
      records.line(source, line, receivedAt, lineNumber, () =>
        parseLine(line, { source, seq: seq++, receivedAt }),
      );
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
    const followers: (Startable | { stop(): void; ended: Promise<void> })[] = values.follow
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
          return follower;
        })
      : [];
    const { sink, stopping } = logSink(handle, flush);
    if (configured.length > 0) followers.push(...followConfiguredLogs(configured, sink));
    if (docker) {
      const { socket, containers } = docker;
      // Each container's stream, those started later too, merged as lines arrive, under its service.
      if (values.follow) followers.push(followLocalEngine(socket, sink));
      else {
        for (const c of containers)
          for (const line of await containerLogTail({ socketPath: socket }, c.name, 500))
            handle(serviceOf(c), line);
        records.flushAll();
        merge?.stop();
      }
    }
    for (const f of followers) if ('start' in f) f.start();
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
    if (!values.follow) records.flushAll();
    flush();
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
      stopping();
      for (const f of followers) f.stop();
      records.flushAll();
      merge?.stop();
      if (!stdout.readerGone) flush();
      await keep?.close();
    }
    if (stdout.readerGone) return 0;
    return codes.some((c) => c !== 0) ? 1 : 0;
  },
};

/** Following, a record lines may join (an error, a trace) waits this long for the next (a slow writer's frame). */
const FOLLOW_HOLD_MS = JOIN_WINDOW_MS;

/** `--since`/`--until`: a duration back from now (15m) or a time (2026-11-21T03:12:00Z). */
function timeFlag(values: Record<string, unknown>, flag: 'since' | 'until'): number | undefined {
  const text = values[flag];
  if (typeof text !== 'string') return undefined;
  const ms = parseDuration(text);
  if (ms !== undefined) return Date.now() - ms;
  const t = Date.parse(text);
  if (Number.isNaN(t))
    throw new UserError(
      `opsconsole: --${flag}: expected a duration such as 15m or a time such as 2026-11-21T03:12:00Z; got "${sanitize(text)}"`,
    );
  return t;
}

/** `--filter QUERY`: the log pane's own language (`rid:… level:… src:a,b pat:… words -word /re/`). */
function paneQuery(values: Record<string, unknown>): LogFilter {
  const query = values.filter;
  if (typeof query !== 'string') return {};
  if (values.grep !== undefined)
    throw new UserError(
      'opsconsole: logs: --filter and --grep both say which words; put the words in --filter',
    );
  const { filter, error } = compileFilter(query);
  if (error)
    throw new UserError(
      `opsconsole: --filter: ${error}\n  fix: e.g. --filter 'rid:req-1f2e level:warn src:api timeout -healthz'`,
    );
  return filter ?? {};
}
