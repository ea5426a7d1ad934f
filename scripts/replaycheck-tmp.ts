import { readFileSync } from 'node:fs';
import { DEFAULT_THRESHOLDS } from '../src/config/schema';
import { decodeRecording } from '../src/logstore/recordingFile';
import { playThrough } from '../src/session/replay/playThrough';

const rec = decodeRecording(readFileSync(process.argv[2] as string), 'x');
const t0 = performance.now();
const { notable } = playThrough(rec, DEFAULT_THRESHOLDS);
console.log('ms', performance.now() - t0);
for (const n of notable)
  if (n.kind.startsWith('rule')) console.log('replay', n.kind, new Date(n.at).toISOString(), n.text);
for (const r of rec.journal)
  if (r.kind.startsWith('rule'))
    console.log('live  ', r.kind, r.at ?? r.ts, (r.payload as { text?: string }).text);
