import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { LineSplitter } from '../logs/lineSplitter';
import { type LogFilter, matchesFilter } from '../logs/logFilter';
import { LEVELS, type Level } from '../logs/logRecord';
import { parseLine } from '../logs/parseLine';
import { scanFile } from '../logs/scanLines';
import { FileFollower } from '../sources/fileFollower';
import { parseDuration } from '../text/duration';
import { sanitize } from '../text/sanitize';
import { UserError } from '../userError';
import type { Command } from './commands';

function list(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : [];
}

/** "kubectl logs -f x" or a JSON array ["kubectl","logs","-f","x"]; never through a shell. */
function argvOf(spec: string): string[] {
  if (spec.trim().startsWith('[')) {
    const parsed: unknown = JSON.parse(spec);
    if (!Array.isArray(parsed) || parsed.length === 0)
      throw new UserError('opsconsole: --cmd: expected a non-empty JSON array');
    return parsed.map(String);
  }
  return spec.trim().split(/\s+/);
}

export const logsCommand: Command = {
  name: 'logs',
  summary: 'Print sanitized, filtered log lines from files and commands, for pipes.',
  usage:
    'opsconsole logs [--file PATH]... [--cmd ARGV]... [--request-id ID] [--level L] [--grep RE] [--since DURATION] [--follow] [--json]',
  details: [
    'Lines are parsed (JSON, logfmt, plain), filtered, and printed with every terminal control',
    'sequence removed. --request-id matches the parsed field, else the text. --follow keeps',
    'reading files across rotation and truncation. Without --file/--cmd the config log files are used.',
    `Levels: ${LEVELS.join(', ')}.`,
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
  },
  allowPositionals: false,
  async run({ values }, globals) {
    let files = list(values.file);
    const cmds = list(values.cmd);
    if (files.length === 0 && cmds.length === 0) {
      const { findConfig, loadConfigFile } = await import('../config/load');
      const path = findConfig(globals.config);
      const config = path ? loadConfigFile(path).config : undefined;
      files = Object.values(config?.environments ?? {}).flatMap((env) =>
        Object.values(env.services).flatMap((s) =>
          s.logs.flatMap((l) => ('file' in l && !l.host ? [l.file] : [])),
        ),
      );
      if (files.length === 0)
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
    const requestId = values['request-id'] as string | undefined;
    const filter: LogFilter = {
      ...(requestId && { requestId }),
      ...(level && { minLevel: level as Level }),
      ...(grep && { include: grep }),
    };
    const since = sinceMs === undefined ? undefined : Date.now() - sinceMs;
    const json = values.json === true;
    let seq = 0;
    const out: string[] = [];
    const flush = () => {
      if (out.length > 0) process.stdout.write(`${out.join('\n')}\n`);
      out.length = 0;
    };
    const handle = (source: string, line: string) => {
      const r = parseLine(line, { source, seq: seq++, receivedAt: Date.now() });
      if (since !== undefined && r.time < since) return;
      if (!matchesFilter(r, filter)) return;
      out.push(
        json
          ? JSON.stringify({
              time: new Date(r.time).toISOString(),
              source,
              level: r.level ?? null,
              requestId: r.requestId ?? null,
              status: r.status ?? null,
              message: r.message,
            })
          : files.length + cmds.length > 1
            ? `${source}: ${r.text}`
            : r.text,
      );
      if (out.length >= 1000) flush();
    };
    // A literal request id is searched in the raw bytes first; only candidate lines are parsed.
    const needle = requestId ? Buffer.from(requestId) : undefined;
    if (!values.follow) {
      for (const f of files) {
        try {
          scanFile(f, needle, (line) => handle(basename(f), line));
        } catch (err) {
          throw new UserError(
            `opsconsole: cannot read ${f}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
            1,
          );
        }
      }
    }
    const followers = values.follow
      ? files.map((f) => {
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
    const children = cmds.map((spec) => {
      const [file, ...args] = argvOf(spec) as [string, ...string[]];
      const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      const name = basename(file);
      for (const stream of [child.stdout, child.stderr]) {
        const splitter = new LineSplitter();
        stream.on('data', (d: Buffer) => {
          for (const l of splitter.push(d)) handle(name, l);
          flush();
        });
        stream.on('end', () => {
          for (const l of splitter.end()) handle(name, l);
          flush();
        });
      }
      return new Promise<number>((resolve) => {
        child.on('error', (err) => {
          process.stderr.write(`opsconsole: --cmd ${sanitize(file)}: ${sanitize(err.message)}\n`);
          resolve(1);
        });
        child.on('close', (code) => resolve(code ?? 1));
      });
    });
    flush();
    const codes = await Promise.all(children);
    if (values.follow) {
      await new Promise<void>((resolve) => {
        for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(sig, () => resolve());
      });
      for (const f of followers) f.stop();
      flush();
    }
    return codes.some((c) => c !== 0) ? 1 : 0;
  },
};
