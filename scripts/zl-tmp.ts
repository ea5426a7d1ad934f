import { constants, zstdCompressSync } from 'node:zlib';
import { join } from 'node:path';
import { loadPlaybookDirs } from '../src/playbooks/loadPlaybook';
import type { Playbook } from '../src/playbooks/schema';
import { syntheticRecording } from './bench/replayFleet';
const triage = loadPlaybookDirs([join(process.cwd(), 'playbooks')]).get('triage') as Playbook;
const rec = syntheticRecording({ containers: 50, minutes: 30, badService: 3, start: Date.parse('2026-12-01T03:00:00Z') }, triage);
const raw = Buffer.from(JSON.stringify({ lines: rec.lines, events: rec.events }));
for (const level of [3, 9, 15, 19]) { const t = performance.now(); const z = zstdCompressSync(raw, { params: { [constants.ZSTD_c_compressionLevel]: level } }); console.log(level, (z.length / 1024 / 30).toFixed(0), 'KiB/min', (performance.now() - t).toFixed(0), 'ms'); }
