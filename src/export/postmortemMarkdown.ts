import { formatDuration, formatPercent } from '../text/duration';
import type { Postmortem } from './postmortemDraft';

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
  out.push('## Key times (UTC)', '', '| Moment | Time | Taken from |', '| --- | --- | --- |');
  for (const k of pm.keyTimes) out.push(`| ${k.name} | ${k.at ?? '—'} | ${cell(k.basis ?? '')} |`);
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
  for (const [n, run] of pm.decisionPath.entries()) {
    out.push(`### Run ${n + 1}: ${run.playbook}, from ${run.startedAt.slice(11, 19)}`, '');
    for (const [i, d] of run.answers.entries())
      out.push(`${i + 1}. ${d.question} → **${d.answer}** (${d.how})${d.evidence ? ` — ${d.evidence}` : ''}`);
    if (run.answers.length > 0 && run.actions.length > 0) out.push('');
    for (const a of run.actions) out.push(`- ${a}`);
    out.push('', `**Outcome:** ${run.outcome}`, '');
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
  out.push('', '## Stakeholder updates', '');
  if (pm.updates.rows.length === 0) out.push('No update was sent from opsconsole.');
  else {
    out.push('| Time | |', '| --- | --- |');
    for (const u of pm.updates.rows) out.push(`| ${u.at.slice(11, 19)} | ${cell(u.what)} |`);
    if (pm.updates.longestGap) out.push('', `Longest stretch without an update: ${pm.updates.longestGap}.`);
  }
  out.push('', '## Evidence', '');
  const { trails, ratesByMinute } = pm.evidence;
  if (pm.evidence.pinnedLines.length === 0 && pm.evidence.sparklines.length === 0 && trails.length === 0)
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
  for (const t of trails) {
    out.push(
      '',
      `- Request ${t.requestId} (${t.reason}), ${t.lines.length + t.more} lines through the services:`,
      '',
      '  ```',
    );
    for (const l of t.lines)
      out.push(`  ${l.at.slice(11, 23)} +${l.delayMs}ms ${l.source}: ${l.text.replaceAll('```', "'''")}`);
    if (t.more > 0) out.push(`  … ${t.more} more lines of it`);
    out.push('  ```');
  }
  if (pm.evidence.sparklines.length > 0) {
    out.push('', '5xx ratio, last 30 minutes (one character a minute):', '', '```');
    for (const s of pm.evidence.sparklines) out.push(`${s.service.padEnd(12)} ${s.line}`);
    out.push('```');
  }
  if (ratesByMinute.rows.length > 0) {
    out.push('', '5xx ratio per minute while the incident was open (1-minute window, UTC):', '');
    out.push(
      `| minute | ${ratesByMinute.services.map(cell).join(' | ')} |`,
      `|---|${ratesByMinute.services.map(() => '---:|').join('')}`,
    );
    for (const row of ratesByMinute.rows)
      out.push(
        `| ${row.minute} | ${row.ratios.map((r) => (r === null ? '–' : formatPercent(r))).join(' | ')} |`,
      );
    if (ratesByMinute.omitted > 0)
      out.push('', `(${ratesByMinute.omitted} minutes far from every key time left out)`);
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
    Resolution: pm.suggested.resolution,
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
