import { describeRecord } from '../incident/describeRecord';
import type { IncidentState } from '../incident/incidentState';
import { describeDamage, eventTime, type RecordOfKind, recordsOf } from '../model/journalRecord';
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
  /**
   * What the data suggests for the sections the author writes, from the last diagnosis recorded;
   * shown under "suggested from the data — confirm or replace".
   */
  suggested: { trigger: string[]; rootCause: string[]; detection: string[] };
  /** Null when the journal's hash chain verifies; else where it first breaks. */
  integrity: string | null;
  /** Records in the chain whose content could not be read (left out of everything above). */
  unreadableRecords: string[];
}

type KeyTimeName = 'started' | 'detected' | 'acknowledged' | 'mitigated' | 'resolved';

const iso = (ms: number | undefined) =>
  ms === undefined || Number.isNaN(ms) ? null : new Date(ms).toISOString();
const clean = (v: unknown) => sanitize(String(v ?? ''));

function keyTimes(s: IncidentState): Record<KeyTimeName, number | undefined> {
  const fired = recordsOf(s.records, 'rule.fired');
  // An alert's startsAt is when it fired: the team's own rule detected the problem then.
  const alertStarts = Object.values(s.linkedAlerts).map((a) => a.startsAt);
  // A rule fires after holding above its line for `forMs`: the breach began that long before.
  const breachStarts = fired.map((r) => eventTime(r) - (r.payload.forMs ?? 0));
  const started = s.startedAt ?? Math.min(s.declaredAt, ...breachStarts, ...alertStarts);
  const detections = [...fired.map(eventTime), ...alertStarts];
  const detected = detections.length > 0 ? Math.min(...detections) : s.declaredAt;
  const monitoring = recordsOf(s.records, 'incident.status').find((r) => r.payload.status === 'monitoring');
  const cleared = s.records.find((r) => r.kind === 'rule.cleared' && eventTime(r) >= detected);
  // Every linked alert resolved: the team's own rules saw the impact end.
  const linked = Object.values(s.linkedAlerts);
  const alertsResolved =
    linked.length > 0 && linked.every((a) => a.resolvedAt !== undefined)
      ? Math.max(...linked.map((a) => a.resolvedAt as number))
      : undefined;
  const mitigated = monitoring ? eventTime(monitoring) : cleared ? eventTime(cleared) : alertsResolved;
  return { started, detected, acknowledged: s.declaredAt, mitigated, resolved: s.resolvedAt };
}

function impact(s: IncidentState) {
  let peak: number | undefined;
  const services = new Set<string>();
  let above = 0;
  const openSince = new Map<string, number>();
  const seen = (v: number | null | undefined) => {
    if (typeof v === 'number' && !Number.isNaN(v)) peak = Math.max(peak ?? 0, v);
  };
  for (const r of s.records) {
    if (r.kind === 'metrics.snapshot') for (const v of Object.values(r.payload.services)) seen(v.ratio1m);
    if (r.kind !== 'rule.fired' && r.kind !== 'rule.cleared') continue;
    const p = r.payload;
    services.add(clean(p.service));
    seen(p.value);
    // Time above the critical line, per service: from the breach start to the clearing.
    if (p.rule !== 'error-ratio-critical') continue;
    if (r.kind === 'rule.fired') openSince.set(p.service, eventTime(r) - (p.forMs ?? 0));
    const since = openSince.get(p.service);
    if (r.kind === 'rule.cleared' && since !== undefined) {
      above += eventTime(r) - since;
      openSince.delete(p.service);
    }
  }
  for (const a of Object.values(s.linkedAlerts)) {
    const service = a.labels.service ?? a.labels.job;
    if (service) services.add(service);
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
  const intents = new Map<string, RecordOfKind<'step.intent'>['payload']>();
  const results = new Set<string>();
  const commands: Postmortem['commands'] = [];
  const feedback: string[] = [];
  for (const r of s.records) {
    if (r.kind === 'step.intent') intents.set(r.payload.runId, r.payload);
    if (r.kind === 'step.result') {
      const p = r.payload;
      const intent = intents.get(p.runId);
      results.add(p.runId);
      commands.push({
        step: clean(p.step),
        host: clean(intent?.host ?? p.host),
        argv: (intent?.argv ?? []).map(clean),
        exitCode: p.exitCode,
        durationMs: p.durationMs,
        output: clean(p.output).slice(0, 800),
        dryRun: intent?.dryRun === true,
      });
      if (p.exitCode !== 0) feedback.push(`Step "${clean(p.step)}" failed with exit ${p.exitCode}.`);
      if (p.offScript === true) feedback.push(`Step "${clean(p.step)}" was run off script.`);
    }
    if (r.kind === 'step.skipped')
      feedback.push(`Step "${clean(r.payload.step)}" was skipped: ${clean(r.payload.reason)}.`);
    if (r.kind === 'verify.result' && !r.payload.passed)
      feedback.push(`Verification "${clean(r.payload.step)}" failed: ${clean(r.payload.evidence)}.`);
  }
  for (const [runId, intent] of intents) {
    if (!results.has(runId))
      feedback.push(`Step "${clean(intent.step)}" was started but no result was recorded.`);
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
    decisionPath: recordsOf(s.records, 'decision.answered').map(({ payload: p }) => ({
      question: clean(p.question),
      answer: clean(p.answer),
      how: clean(p.how),
      evidence: clean(p.evidence),
    })),
    commands,
    evidence: {
      pinnedLines: recordsOf(s.records, 'log.pinned').map((r) => ({
        at: iso(eventTime(r)) as string,
        source: clean(r.payload.source),
        line: clean(r.payload.line),
        context: r.payload.context.map(clean),
      })),
      sparklines: Object.entries(recordsOf(s.records, 'metrics.snapshot').at(-1)?.payload.services ?? {}).map(
        ([service, v]) => ({ service: clean(service), line: clean(v.spark) }),
      ),
    },
    actionItems: s.notes
      .filter((n) => n.actionItem)
      .map((n) => ({ text: clean(n.text), by: clean(n.actor), at: iso(n.at) as string })),
    runbookFeedback: feedback,
    suggested: suggestions(s, times),
    integrity: s.damage ? clean(describeDamage(s.damage)) : null,
    unreadableRecords: s.unreadable.map((u) =>
      clean(`line ${u.line} (record #${u.seq}, ${u.kind}): ${u.reason}`),
    ),
  };
}

/** The Trigger, Root cause and Detection the last recorded diagnosis suggests, in sentences with times. */
function suggestions(
  s: IncidentState,
  times: Record<KeyTimeName, number | undefined>,
): Postmortem['suggested'] {
  const d = recordsOf(s.records, 'diagnosis').at(-1)?.payload;
  const out: Postmortem['suggested'] = { trigger: [], rootCause: [], detection: [] };
  if (!d) return out;
  const began = d.errorsBeganAt ? Date.parse(d.errorsBeganAt) : undefined;
  if (d.change) {
    const c = d.change;
    out.trigger.push(
      `${clean(c.service)} ${c.from ? `${clean(c.from)} → ` : ''}${clean(c.to)} was released at ${clean(c.at)}${
        c.delayMs === undefined
          ? ''
          : c.delayMs < 1000
            ? `; errors began with its first lines, at ${iso(began)}`
            : `; errors began ${formatDuration(c.delayMs)} later, at ${iso(began)}`
      }.`,
    );
  } else if (began !== undefined)
    out.trigger.push(`Errors began at ${iso(began)}; no release was seen before them.`);
  for (const p of d.patterns)
    out.rootCause.push(
      `${p.kind === 'new' ? 'New since the release' : 'Spiking'} on ${clean(p.service)}: \`${clean(p.template).replaceAll('`', "'")}\` (${p.count} line${p.count === 1 ? '' : 's'}, first at ${clean(p.firstSeen)}).`,
    );
  if (d.origin)
    out.rootCause.push(
      `${clean(d.origin.service)} was the first to fail ${Math.round(d.origin.share * 100)}% of the ${d.origin.requests} requests that failed on several services; the others failed downstream of it.`,
    );
  const detected = times.detected;
  if (began !== undefined && detected !== undefined)
    out.detection.push(
      `Errors began at ${iso(began)} and were detected at ${iso(detected)}, ${formatDuration(Math.max(0, detected - began))} later; declared at ${iso(times.acknowledged)}.`,
    );
  return out;
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
  if (pm.unreadableRecords.length > 0)
    out.push(
      '> **Some records could not be read** and are left out of this draft:',
      ...pm.unreadableRecords.map((u) => `> - ${u}`),
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
  const suggested: Record<string, string[]> = {
    Trigger: pm.suggested.trigger,
    'Root cause': pm.suggested.rootCause,
    Detection: pm.suggested.detection,
  };
  for (const [title, prompt] of prompts) {
    out.push('', `## ${title}`, '');
    const lines = suggested[title] ?? [];
    if (lines.length > 0)
      out.push('Suggested from the data — confirm or replace:', '', ...lines.map((l) => `- ${l}`), '');
    out.push(PROMPT(prompt || 'For the author.'));
  }
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
