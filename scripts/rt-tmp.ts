import { join } from 'node:path';
import { DEFAULT_THRESHOLDS } from '../src/config/schema';
import { loadPlaybookDirs } from '../src/playbooks/loadPlaybook';
import type { Playbook } from '../src/playbooks/schema';
import { playThrough } from '../src/session/replay/playThrough';
import { livePass, syntheticRecording } from './bench/replayFleet';

const triage = loadPlaybookDirs([join(process.cwd(), 'playbooks')]).get('triage') as Playbook;
const rec = syntheticRecording(
  { containers: 50, minutes: 30, badService: 3, start: Date.parse('2026-12-01T03:00:00Z') },
  triage,
);
const a = livePass(rec, DEFAULT_THRESHOLDS).notable.filter((n) => n.kind.startsWith('rule'));
const b = playThrough(rec, DEFAULT_THRESHOLDS).notable.filter((n) => n.kind.startsWith('rule'));
for (let i = 0; i < Math.max(a.length, b.length); i++)
  console.log(
    a[i]?.kind,
    new Date(a[i]?.at ?? 0).toISOString(),
    b[i]?.kind,
    new Date(b[i]?.at ?? 0).toISOString(),
    a[i]?.text,
  );
