import type { IncidentState } from '../incident/incidentState';
import { describeDamage, eventTime, type JournalRecord } from '../incident/journalRecord';
import { formatDuration, formatPercent } from '../text/duration';
import { sanitize } from '../text/sanitize';

/** A post-mortem draft as data; the Markdown is one rendering of it, the JSON export another. */
export interface Postmortem {
  header: {
    id: string;
    title: string;
    severity: string;
    status: string;
    commander: string;
    responders: string[];
    roles: Record<string, string>;
    declaredAt: string;
    resolvedAt: string | null;
  };
  summary: string;
  impact: { peakErrorRatio: number | null; timeAboveThresholdMs: number; servicesAffected: string[] };
  keyTimes: { name: KeyTimeName; at: string | null }[];
  durations: { name: string; ms: number | null }[];
  timeline: { at: string; kind: string; actor: string; text: string; evidence: string; starred: boolean }[];
  decisionPath: { question: string; answer: string; how: string; evidence: string }[];
  commands: {
    step: string;
    host: string;
    argv: string[];
    exitCode: number | null;
    durationMs: number | null;
    output: string;
    dryRun: boolean;
  }[];
  evidence: {
    pinnedLines: { at: string; source: string; line: string; context: string[] }[];
    sparklines: { service: string; line: string }[];
  };
  actionItems: { text: string; by: string; at: string }[];
  runbookFeedback: string[];
  /** Null when the journal's hash chain verifies; else where it first breaks. */
  integrity: string | null;
}

type KeyTimeName = 'started' | 'detected' | 'acknowledged' | 'mitigated' | 'resolved';

const iso = (ms: number | undefined) =>
  ms === undefined || Number.isNaN(ms) ? null : new Date(ms).toISOString();
const clean = (v: unknown) => sanitize(String(v ?? ''));

function payload(r: JournalRecord): Record<string, unknown> {
  return r.payload as Record<string, unknown>;
}

/** One line of human text for a timeline row, and the evidence that backs it. */
export function describeRecord(r: JournalRecord): { text: string; evidence: string } {
  const p = payload(r);
  switch (r.kind) {
    case 'incident.declared':
      return {
        text: `Incident declared: ${clean(p.title)} (${clean(p.severity)}), commander ${clean(p.commander)}`,
        evidence: '',
      };
    case 'incident.severity':
      return { text: `Severity set to ${clean(p.severity)}`, evidence: '' };
    case 'incident.status':
      return { text: `Status: ${clean(p.status)}`, evidence: '' };
    case 'incident.role':
      return { text: `${clean(p.person)} is ${clean(p.role)}`, evidence: '' };
    case 'note':
      return { text: `${p.actionItem ? 'Action item: ' : 'Note: '}${clean(p.text)}`, evidence: '' };
    case 'note.action-item':
      return { text: `Note #${clean(p.noteSeq)} marked as an action item`, evidence: '' };
    case 'event.starred':
      return {
        text: `${p.starred === false ? 'Unstarred' : 'Starred'} event #${clean(p.eventSeq)}`,
        evidence: '',
      };
    case 'rule.fired':
    case 'rule.cleared':
      return {
        text: `${clean(p.service)}: ${clean(p.description ?? p.rule)} ${r.kind === 'rule.fired' ? 'fired' : 'cleared'}`,
        evidence: `1m 5xx ratio ${formatPercent(Number(p.value))} (line ${formatPercent(Number(p.above), 0)})`,
      };
    case 'release':
      return {
        text: `${clean(p.service)} ${clean(p.from)} → ${clean(p.to)} (${clean(p.reason)})`,
        evidence: `host ${clean(p.host)}`,
      };
    case 'source.state':
      return { text: `Source ${clean(p.source)} ${clean(p.state)}`, evidence: clean(p.reason) };
    case 'container.state':
      return {
        text: `${clean(p.name)} ${clean(p.state)}${Number(p.count) > 1 ? ` (${p.count} times)` : ''}`,
        evidence: p.exitCode !== undefined ? `exit ${clean(p.exitCode)}, restarts ${clean(p.restarts)}` : '',
      };
    case 'log.pinned':
      return { text: `Pinned log line from ${clean(p.source)}`, evidence: clean(p.line).slice(0, 200) };
    case 'metrics.snapshot':
      return { text: 'Metrics snapshot', evidence: '' };
    case 'decision.shown':
      return { text: `Triage question: ${clean(p.question)}`, evidence: '' };
    case 'decision.answered':
      return {
        text: `Answered "${clean(p.answer)}" to: ${clean(p.question)} (${clean(p.how)})`,
        evidence: clean(p.evidence),
      };
    case 'checklist.ticked':
      return { text: `Checked: ${clean(p.item)}`, evidence: '' };
    case 'step.intent':
      return {
        text: `About to run${p.dryRun ? ' (dry run)' : ''}: ${clean(p.step)}`,
        evidence: `${clean(p.host)}: ${(p.argv as string[] | undefined)?.map(clean).join(' ') ?? ''}`,
      };
    case 'step.result':
      return {
        text: `Ran ${clean(p.step)}: exit ${clean(p.exitCode)} in ${formatDuration(Number(p.durationMs ?? 0))}`,
        evidence: clean(p.output).slice(0, 200),
      };
    case 'step.skipped':
      return { text: `Skipped ${clean(p.step)}`, evidence: clean(p.reason) };
    case 'verify.result':
      return {
        text: `Verification ${p.passed ? 'passed' : 'FAILED'}: ${clean(p.step)}`,
        evidence: clean(p.evidence),
      };
    case 'export.written':
      return { text: `Post-mortem exported to ${clean(p.path)}`, evidence: '' };
    case 'journal.recovered':
      return {
        text: 'Journal recovered after an interrupted write',
        evidence: `${clean(p.droppedBytes)} bytes of a torn record dropped`,
      };
  }
}

function keyTimes(s: IncidentState): Record<KeyTimeName, number | undefined> {
  const fired = s.records.filter((r) => r.kind === 'rule.fired');
  // A rule fires after holding above its line for `forMs`: the breach began that long before.
  const breachStarts = fired.map((r) => eventTime(r) - Number(payload(r).forMs ?? 0));
  const started = s.startedAt ?? Math.min(s.declaredAt, ...breachStarts);
  const detected = fired.length > 0 ? Math.min(...fired.map(eventTime)) : s.declaredAt;
  const monitoring = s.records.find(
    (r) => r.kind === 'incident.status' && payload(r).status === 'monitoring',
  );
  const cleared = s.records.find((r) => r.kind === 'rule.cleared' && eventTime(r) >= detected);
  const mitigated = monitoring ? eventTime(monitoring) : cleared ? eventTime(cleared) : undefined;
  return { started, detected, acknowledged: s.declaredAt, mitigated, resolved: s.resolvedAt };
}

function impact(s: IncidentState) {
  let peak: number | undefined;
  const services = new Set<string>();
  let above = 0;
  const openSince = new Map<string, number>();
  for (const r of s.records) {
    const p = payload(r);
    if (r.kind === 'rule.fired' || r.kind === 'rule.cleared') services.add(clean(p.service));
    if (r.kind === 'rule.fired' || r.kind === 'rule.cleared' || r.kind === 'metrics.snapshot') {
      const values =
        r.kind === 'metrics.snapshot'
          ? Object.values((p.services ?? {}) as Record<string, { ratio1m?: number }>).map((v) => v.ratio1m)
          : [Number(p.value)];
      for (const v of values) if (typeof v === 'number' && !Number.isNaN(v)) peak = Math.max(peak ?? 0, v);
    }
    // Time above the critical line, per service: from the breach start to the clearing.
    if (p.rule === 'error-ratio-critical') {
      const key = String(p.service);
      if (r.kind === 'rule.fired') openSince.set(key, eventTime(r) - Number(p.forMs ?? 0));
      if (r.kind === 'rule.cleared' && openSince.has(key)) {
        above += eventTime(r) - (openSince.get(key) as number);
        openSince.delete(key);
      }
    }
  }
  const end = s.resolvedAt ?? Date.parse(s.records.at(-1)?.ts ?? '');
  for (const since of openSince.values()) if (!Number.isNaN(end)) above += Math.max(0, end - since);
  return {
    peakErrorRatio: peak ?? null,
    timeAboveThresholdMs: above,
    servicesAffected: [...services].sort(),
  };
}

/** The draft's content, computed from the journal alone. */
export function buildPostmortem(s: IncidentState): Postmortem {
  const times = keyTimes(s);
  const order: KeyTimeName[] = ['started', 'detected', 'acknowledged', 'mitigated', 'resolved'];
  const span = (a: KeyTimeName, b: KeyTimeName) => {
    const x = times[a];
    const y = times[b];
    return x !== undefined && y !== undefined ? y - x : null;
  };
  const imp = impact(s);
  const intents = new Map<string, JournalRecord>();
  const commands: Postmortem['commands'] = [];
  const feedback: string[] = [];
  for (const r of s.records) {
    const p = payload(r);
    if (r.kind === 'step.intent') intents.set(String(p.runId), r);
    if (r.kind === 'step.result') {
      const intent = intents.get(String(p.runId));
      const ip = intent ? payload(intent) : {};
      commands.push({
        step: clean(p.step),
        host: clean(ip.host ?? p.host),
        argv: ((ip.argv ?? p.argv ?? []) as unknown[]).map(clean),
        exitCode: typeof p.exitCode === 'number' ? p.exitCode : null,
        durationMs: typeof p.durationMs === 'number' ? p.durationMs : null,
        output: clean(p.output).slice(0, 800),
        dryRun: ip.dryRun === true,
      });
      if (p.exitCode !== 0) feedback.push(`Step "${clean(p.step)}" failed with exit ${clean(p.exitCode)}.`);
      if (p.offScript === true) feedback.push(`Step "${clean(p.step)}" was run off script.`);
    }
    if (r.kind === 'step.skipped') feedback.push(`Step "${clean(p.step)}" was skipped: ${clean(p.reason)}.`);
    if (r.kind === 'verify.result' && p.passed === false)
      feedback.push(`Verification "${clean(p.step)}" failed: ${clean(p.evidence)}.`);
  }
  for (const [runId, intent] of intents) {
    if (!s.records.some((r) => r.kind === 'step.result' && payload(r).runId === runId)) {
      feedback.push(`Step "${clean(payload(intent).step)}" was started but no result was recorded.`);
    }
  }
  const durationText = (n: number | null) => (n === null ? 'unknown' : formatDuration(n));
  const summary =
    `${s.severity} incident "${clean(s.title)}", ${s.status}. ` +
    (imp.servicesAffected.length > 0 ? `Services affected: ${imp.servicesAffected.join(', ')}. ` : '') +
    (imp.peakErrorRatio !== null ? `Peak 5xx ratio ${formatPercent(imp.peakErrorRatio)}. ` : '') +
    `Detected after ${durationText(span('started', 'detected'))}, resolved after ${durationText(span('started', 'resolved'))}.`;
  return {
    header: {
      id: s.id,
      title: clean(s.title),
      severity: s.severity,
      status: s.status,
      commander: clean(s.commander),
      responders: s.responders.map(clean),
      roles: Object.fromEntries(Object.entries(s.roles).map(([k, v]) => [clean(k), clean(v)])),
      declaredAt: iso(s.declaredAt) as string,
      resolvedAt: iso(s.resolvedAt),
    },
    summary,
    impact: imp,
    keyTimes: order.map((name) => ({ name, at: iso(times[name]) })),
    durations: [
      { name: 'time to detect (started → detected)', ms: span('started', 'detected') },
      { name: 'time to acknowledge (detected → acknowledged)', ms: span('detected', 'acknowledged') },
      { name: 'time to mitigate (started → mitigated)', ms: span('started', 'mitigated') },
      { name: 'time to resolve (started → resolved)', ms: span('started', 'resolved') },
    ],
    timeline: s.records
      .filter((r) => r.kind !== 'metrics.snapshot')
      .sort((a, b) => eventTime(a) - eventTime(b) || a.seq - b.seq)
      .map((r) => ({
        at: iso(eventTime(r)) as string,
        kind: r.kind,
        actor: clean(r.actor),
        ...describeRecord(r),
        starred: s.starred.has(r.seq),
      })),
    decisionPath: s.records
      .filter((r) => r.kind === 'decision.answered')
      .map((r) => {
        const p = payload(r);
        return {
          question: clean(p.question),
          answer: clean(p.answer),
          how: clean(p.how),
          evidence: clean(p.evidence),
        };
      }),
    commands,
    evidence: {
      pinnedLines: s.records
        .filter((r) => r.kind === 'log.pinned')
        .map((r) => {
          const p = payload(r);
          return {
            at: iso(eventTime(r)) as string,
            source: clean(p.source),
            line: clean(p.line),
            context: ((p.context ?? []) as unknown[]).map(clean),
          };
        }),
      sparklines: (() => {
        const last = s.records.findLast((r) => r.kind === 'metrics.snapshot');
        const services = (last ? payload(last).services : {}) as Record<string, { spark?: string }>;
        return Object.entries(services ?? {}).map(([service, v]) => ({
          service: clean(service),
          line: clean(v.spark),
        }));
      })(),
    },
    actionItems: s.notes
      .filter((n) => n.actionItem)
      .map((n) => ({ text: clean(n.text), by: clean(n.actor), at: iso(n.at) as string })),
    runbookFeedback: feedback,
    integrity: s.damage ? clean(describeDamage(s.damage)) : null,
  };
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

const PROMPT = (text: string) => `_${text}_`;

/** The Markdown draft: facts filled in, prose left to the author under clear prompts. */
export function renderPostmortemMarkdown(pm: Postmortem): string {
  const h = pm.header;
  const out: string[] = [];
  const fmt = (ms: number | null) => (ms === null ? '—' : formatDuration(ms));
  out.push(`# Post-mortem: ${h.title}`, '');
  if (pm.integrity)
    out.push(
      `> **Warning: the incident journal's hash chain is broken** at ${pm.integrity}. Records from`,
      '> there on may have been edited, deleted or inserted after they were written; check them',
      '> against the copy kept by `opsconsole incident repair`.',
      '',
    );
  out.push(
    `| | |`,
    `| --- | --- |`,
    `| Incident | ${h.id} |`,
    `| Severity | ${h.severity} |`,
    `| Status | ${h.status} |`,
    `| Declared | ${h.declaredAt} |`,
    `| Resolved | ${h.resolvedAt ?? '—'} |`,
    `| Commander | ${cell(h.commander)} |`,
    `| Responders | ${cell(h.responders.join(', ') || '—')} |`,
    ...Object.entries(h.roles).map(([role, person]) => `| ${cell(role)} | ${cell(person)} |`),
    '',
  );
  out.push(
    '## Summary',
    '',
    pm.summary,
    '',
    PROMPT('In two or three sentences: what happened, to whom, and how it ended.'),
    '',
  );
  out.push(
    '## Impact',
    '',
    `- Peak 5xx ratio: ${pm.impact.peakErrorRatio === null ? 'not recorded' : formatPercent(pm.impact.peakErrorRatio)}`,
    `- Time above the critical line: ${fmt(pm.impact.timeAboveThresholdMs)}`,
    `- Services affected: ${pm.impact.servicesAffected.join(', ') || 'none recorded'}`,
    '',
    PROMPT('Who noticed, how many users, what they could not do.'),
    '',
  );
  out.push('## Key times (UTC)', '', '| Moment | Time |', '| --- | --- |');
  for (const k of pm.keyTimes) out.push(`| ${k.name} | ${k.at ?? '—'} |`);
  out.push('', '| Span | Duration |', '| --- | --- |');
  for (const d of pm.durations) out.push(`| ${d.name} | ${fmt(d.ms)} |`);
  out.push(
    '',
    '## Timeline (UTC)',
    '',
    '| Time | ★ | Event | Evidence | By |',
    '| --- | --- | --- | --- | --- |',
  );
  for (const t of pm.timeline) {
    out.push(
      `| ${t.at.slice(0, 23).replace('T', ' ')} | ${t.starred ? '★' : ''} | ${cell(t.text)} | ${cell(t.evidence)} | ${cell(t.actor)} |`,
    );
  }
  out.push('', '## Decision path', '');
  if (pm.decisionPath.length === 0) out.push('No triage decisions were recorded.');
  for (const [i, d] of pm.decisionPath.entries()) {
    out.push(`${i + 1}. ${d.question} → **${d.answer}** (${d.how})${d.evidence ? ` — ${d.evidence}` : ''}`);
  }
  out.push('', '## Commands run', '');
  if (pm.commands.length === 0) out.push('No commands were run from the console.');
  else {
    out.push('| Step | Host | Command | Exit | Duration |', '| --- | --- | --- | --- | --- |');
    for (const c of pm.commands) {
      out.push(
        `| ${cell(c.step)}${c.dryRun ? ' (dry run)' : ''} | ${cell(c.host)} | \`${cell(c.argv.join(' '))}\` | ${c.exitCode ?? '—'} | ${fmt(c.durationMs)} |`,
      );
    }
    for (const c of pm.commands.filter((x) => x.output.trim() !== '')) {
      out.push('', `Output of ${c.step}:`, '', '```', c.output.replaceAll('```', "'''"), '```');
    }
  }
  out.push('', '## Evidence', '');
  if (pm.evidence.pinnedLines.length === 0 && pm.evidence.sparklines.length === 0)
    out.push('No evidence was pinned.');
  for (const p of pm.evidence.pinnedLines) {
    out.push(
      `- ${p.at} ${p.source}:`,
      '',
      '  ```',
      ...p.context.map((c) => `  ${c.replaceAll('```', "'''")}`),
      `  ${p.line.replaceAll('```', "'''")}`,
      '  ```',
    );
  }
  if (pm.evidence.sparklines.length > 0) {
    out.push('', '5xx ratio, last 30 minutes (one character a minute):', '', '```');
    for (const s of pm.evidence.sparklines) out.push(`${s.service.padEnd(12)} ${s.line}`);
    out.push('```');
  }
  const prompts: [string, string][] = [
    ['Trigger', 'What change or event set this off?'],
    ['Root cause', 'Why did it fail? Keep asking why.'],
    ['Contributing factors', 'What made it worse or slower to fix?'],
    ['Detection', 'How was it noticed, and could it have been sooner?'],
    ['Resolution', 'What fixed it, and is the fix permanent?'],
    ['What went well', ''],
    ['What went wrong', ''],
    ['Where we got lucky', ''],
  ];
  for (const [title, prompt] of prompts) out.push('', `## ${title}`, '', PROMPT(prompt || 'For the author.'));
  out.push('', '## Action items', '');
  if (pm.actionItems.length === 0)
    out.push(PROMPT('None marked yet. Mark a note as an action item in the timeline.'));
  for (const a of pm.actionItems) out.push(`- [ ] ${a.text} (${a.by}, ${a.at})`);
  out.push('', '## Runbook feedback', '');
  if (pm.runbookFeedback.length === 0) out.push('Every step recorded ran as written.');
  for (const f of pm.runbookFeedback) out.push(`- ${f}`);
  out.push('');
  return out.join('\n');
}
