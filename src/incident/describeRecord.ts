import { labelText, matcherText } from '../model/alerts';
import { STEP_DRIVER_ROLE } from '../model/incident';
import { type JournalRecord, UNTICKED } from '../model/journalRecord';
import { diagnosisLine } from '../text/diagnosisLine';
import { formatDuration, formatPercent } from '../text/duration';
import { outputOnOneLine } from '../text/outputLines';
import { sanitize } from '../text/sanitize';

const clean = (v: unknown) => sanitize(String(v ?? ''));

/** One line of human text for a timeline row or the draft's table, and the evidence that backs it. */
export function describeRecord(r: JournalRecord): { text: string; evidence: string } {
  switch (r.kind) {
    case 'incident.declared': {
      const p = r.payload;
      return {
        text: `Incident declared: ${clean(p.title)} (${clean(p.severity)}), commander ${clean(p.commander)}`,
        evidence: '',
      };
    }
    case 'incident.severity':
      return { text: `Severity set to ${clean(r.payload.severity)}`, evidence: '' };
    case 'incident.status':
      return {
        text: `Status: ${clean(r.payload.status)}${r.payload.despite ? ' (confirmed despite the data)' : ''}`,
        evidence: (r.payload.despite ?? []).map(clean).join('; '),
      };
    case 'incident.role':
      return r.payload.role === STEP_DRIVER_ROLE
        ? { text: `${clean(r.payload.person)} drives the triage's steps`, evidence: '' }
        : { text: `${clean(r.payload.person)} is ${clean(r.payload.role)}`, evidence: '' };
    case 'note':
      return {
        text: `${r.payload.actionItem ? 'Action item: ' : 'Note: '}${clean(r.payload.text)}`,
        evidence: '',
      };
    case 'note.action-item':
      return { text: `Note #${r.payload.noteSeq} marked as an action item`, evidence: '' };
    case 'event.starred':
      return {
        text: `${r.payload.starred ? 'Starred' : 'Unstarred'} event #${r.payload.eventSeq}`,
        evidence: '',
      };
    case 'rule.fired':
    case 'rule.cleared': {
      const p = r.payload;
      return {
        text: `${clean(p.service)}: ${clean(p.description ?? p.rule)} ${r.kind === 'rule.fired' ? 'fired' : 'cleared'}`,
        evidence: `1m 5xx ratio ${formatPercent(p.value)} (line ${formatPercent(p.above, 0)})`,
      };
    }
    case 'release': {
      const p = r.payload;
      return {
        text: `${clean(p.service)} ${clean(p.from)} → ${clean(p.to)}${p.rollback ? ', rolled back' : ''} (${clean(p.reason)})`,
        evidence: `host ${clean(p.host)}`,
      };
    }
    case 'source.state': {
      const p = r.payload;
      const folded = (p.count ?? 0) > 0 && p.since !== undefined;
      return {
        text: `Source ${clean(p.source)} ${clean(p.state)}${folded ? `, ${p.count} more changes since ${new Date(p.since as number).toISOString().slice(11, 19)}` : ''}`,
        evidence: clean(p.reason),
      };
    }
    case 'container.state': {
      const p = r.payload;
      return {
        text: `${clean(p.name)} ${clean(p.state)}${(p.count ?? 0) > 1 ? ` (${p.count} times)` : ''}`,
        evidence: p.exitCode !== undefined ? `exit ${p.exitCode}, restarts ${clean(p.restarts)}` : '',
      };
    }
    case 'alert.firing': {
      const p = r.payload;
      return {
        text: `Alert ${clean(p.name)} ${clean(p.state)} (${clean(p.severity)})${p.summary ? `: ${clean(p.summary)}` : ''}`,
        evidence: labelText(p.labels, ['alertname']),
      };
    }
    case 'alert.resolved':
      return {
        text: `Alert ${clean(r.payload.name)} resolved`,
        evidence: labelText(r.payload.labels, ['alertname']),
      };
    case 'diagnosis': {
      // Whole, from its parts: the recorded summary is the header's, its template cut to fit a screen.
      const p = r.payload;
      const at = Date.parse(p.change?.at ?? '');
      if (p.change && Number.isNaN(at)) return { text: `Data: ${clean(p.summary)}`, evidence: '' };
      const line = diagnosisLine({
        ...(p.change && { change: { ...p.change, at } }),
        patterns: p.patterns,
        ...(p.origin && { origin: p.origin }),
      });
      return { text: `Data: ${clean(line || p.summary)}`, evidence: '' };
    }
    case 'silence.intent': {
      const p = r.payload;
      return {
        text: `About to silence ${p.catches} alert${p.catches === 1 ? '' : 's'} for ${formatDuration(p.durationMs)}`,
        evidence: p.matchers.map((m) => clean(matcherText(m))).join(' '),
      };
    }
    case 'silence.result': {
      const p = r.payload;
      return p.silenceId
        ? {
            text: `Silence ${clean(p.silenceId)} created, until ${clean(p.endsAt)}`,
            evidence: p.matchers.map((m) => clean(matcherText(m))).join(' '),
          }
        : { text: 'Silence refused by Alertmanager', evidence: clean(p.error) };
    }
    case 'silence.expired':
      return r.payload.error
        ? {
            text: `Silence ${clean(r.payload.silenceId)} could not be expired`,
            evidence: clean(r.payload.error),
          }
        : { text: `Silence ${clean(r.payload.silenceId)} expired`, evidence: '' };
    case 'cluster.event': {
      const p = r.payload;
      return {
        text: `${clean(p.namespace)}/${clean(p.object)}: ${clean(p.reason)}${(p.count ?? 1) > 1 ? ` (${p.count} times)` : ''}`,
        evidence: clean(p.message).slice(0, 200),
      };
    }
    case 'log.pinned':
      return {
        text: `Pinned log line from ${clean(r.payload.source)}`,
        evidence: clean(r.payload.line).slice(0, 200),
      };
    case 'log.trail': {
      const p = r.payload;
      const services = [...new Set(p.lines.map((l) => clean(l.source)))];
      return {
        text: `Request ${clean(p.requestId)} (${clean(p.reason)}): ${p.lines.length + (p.more ?? 0)} lines across ${services.join(', ') || 'no service'}`,
        evidence: clean(p.lines[0]?.text ?? '').slice(0, 200),
      };
    }
    case 'metrics.snapshot':
      return { text: 'Metrics snapshot', evidence: '' };
    case 'decision.shown':
      return { text: `Triage question: ${clean(r.payload.question)}`, evidence: '' };
    case 'decision.answered': {
      const p = r.payload;
      return {
        text: `Answered "${clean(p.answer)}" to: ${clean(p.question)} (${clean(p.how)})${p.outcome ? ` → ${clean(p.outcome)}` : ''}`,
        evidence: clean(p.evidence),
      };
    }
    case 'checklist.ticked':
      return { text: `Checked: ${clean(r.payload.item)}`, evidence: '' };
    case 'step.intent': {
      const p = r.payload;
      return {
        text: `About to run${p.dryRun ? ' (dry run)' : ''}: ${clean(p.step)}`,
        evidence: `${clean(p.host)}: ${p.argv.map(clean).join(' ')}`,
      };
    }
    case 'step.result': {
      const p = r.payload;
      return {
        // A dry run changed nothing, and must not read as the step having been run.
        text: p.dryRun
          ? `Dry run of ${clean(p.step)}, nothing changed: exit ${p.exitCode}${p.durationMs > 0 ? ` in ${formatDuration(p.durationMs)}` : ''}`
          : `Ran ${clean(p.step)}: exit ${p.exitCode} in ${formatDuration(p.durationMs)}`,
        evidence: outputOnOneLine(p.output).slice(0, 200),
      };
    }
    case 'step.skipped':
      return r.payload.reason === UNTICKED
        ? { text: `Not ticked: ${clean(r.payload.step)}`, evidence: '' }
        : { text: `Skipped ${clean(r.payload.step)}`, evidence: clean(r.payload.reason) };
    case 'verify.result':
      return {
        text: `Verification ${r.payload.passed ? 'passed' : 'FAILED'}: ${clean(r.payload.step)}`,
        evidence: clean(r.payload.evidence),
      };
    case 'export.written':
      return { text: `Post-mortem exported to ${clean(r.payload.path)}`, evidence: '' };
    case 'update.due':
      return {
        text: `Stakeholder update due (every ${formatDuration(r.payload.everyMs)} at ${clean(r.payload.severity)})`,
        evidence: '',
      };
    case 'incident.update':
      return {
        text: `Stakeholder update: ${clean(r.payload.text).split('\n')[0]}`,
        evidence: clean(r.payload.text),
      };
    case 'notify.intent':
      return { text: `Telling ${clean(r.payload.channel)}: ${clean(r.payload.text)}`, evidence: '' };
    case 'notify.result':
      return r.payload.delivered
        ? { text: `${clean(r.payload.channel)} took messages again`, evidence: clean(r.payload.detail) }
        : {
            text: `${clean(r.payload.channel)} stopped taking messages: ${clean(r.payload.detail)}`,
            evidence: `after ${r.payload.attempts} attempt${r.payload.attempts === 1 ? '' : 's'}${r.payload.status ? `, HTTP ${r.payload.status}` : ''}`,
          };
    case 'journal.recovered':
      return r.payload.keptAt
        ? { text: 'Journal repaired after damage', evidence: `old file kept as ${clean(r.payload.keptAt)}` }
        : {
            text: 'Journal recovered after an interrupted write',
            evidence: `${clean(r.payload.droppedBytes)} bytes of a torn record dropped`,
          };
  }
}
