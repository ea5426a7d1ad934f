// Request-id search over the generated log: opsconsole logs beside grep -F, jq and lnav.
import { statSync } from 'node:fs';
import { type Benchmark, bin } from './harness/context';
import { corpus } from './harness/corpus';
import { type CommandTime, fmt, mb, mib, timeCommand } from './harness/measure';

export const searchBench: Benchmark = {
  name: 'search',
  settings: { BENCH_LINES: 1_000_000 },
  async run(bench) {
    const lines = bench.setting('BENCH_LINES');
    const file = await corpus(lines);
    const size = statSync(file).size;
    const id = 'req-1234';
    console.log(`\n## request_id search: ${lines} JSON lines + loghub samples, ${mb(size)}, id ${id}\n`);
    bench.figure('corpus size', mib(size), 'MiB');
    const tools: [string, string, string[]][] = [
      ['opsconsole logs', bin, ['logs', '--file', file, '--request-id', id]],
      ['grep -F', 'grep', ['-F', id, file]],
      // -R with fromjson? lets jq skip the plain-text loghub lines instead of stopping at them.
      ['jq', 'jq', ['-cR', `fromjson? | select(.request_id? == "${id}")`, file]],
      ['lnav', 'lnav', ['-n', '-c', `:filter-in ${id}`, file]],
    ];
    const results: Record<string, CommandTime> = {};
    for (const [name, cmd, args] of tools) {
      const r = timeCommand(cmd, args, name === 'lnav' || name === 'jq' ? 1 : 3);
      results[name] = r;
      if ('error' in r) {
        console.log(`${name.padEnd(16)} failed: ${r.error}`);
        continue;
      }
      const throughput = mib(size) / (r.ms / 1000);
      console.log(
        `${name.padEnd(16)} ${fmt(r.ms).padStart(9)}  ${throughput.toFixed(0).padStart(5)} MB/s  ${r.lines} lines`,
      );
      bench.figure(`${name}: time`, r.ms, 'ms');
      bench.figure(`${name}: throughput`, throughput, 'MiB/s');
      bench.figure(`${name}: lines found`, r.lines, 'lines');
    }
    const ours = results['opsconsole logs'];
    for (const other of ['grep -F', 'jq', 'lnav']) {
      const o = results[other];
      if (!o || !ours || 'error' in o || 'error' in ours) continue;
      console.log(`throughput opsconsole / ${other}: ${(o.ms / ours.ms).toFixed(2)}x`);
      bench.figure(`throughput opsconsole / ${other}`, o.ms / ours.ms, 'ratio');
    }
    console.log('(grep and lnav match the text anywhere; opsconsole and jq match the request_id field.)');
  },
};
