import { describe, expect, it } from 'vitest';
import { buildPostmortem } from '../../src/export/postmortem';
import { foldIncident } from '../../src/incident/incidentState';
import { GENESIS, hashLine } from '../../src/incident/journalChain';
import {
  type Alert,
  alertOrder,
  identifyingMatchers,
  matcherProblem,
  matchersCatch,
  matcherText,
  matchesEverything,
  parseMatcher,
  parseMatchers,
  playbookNamedBy,
  proposedSeverity,
} from '../../src/model/alerts';
import { type JournalRecord, parseRecord, type RecordKind } from '../../src/model/journalRecord';
import { evaluateCondition } from '../../src/playbooks/evaluateCondition';
import { ConditionSchema } from '../../src/playbooks/schema';
import { alertRows } from '../../src/store/paneRows';

const T0 = Date.UTC(2026, 10, 21, 3, 0, 0);
const min = 60_000;

function alert(labels: Record<string, string>, over: Partial<Alert> = {}): Alert {
  return {
    fingerprint: Object.values(labels).join('-'),
    name: labels.alertname ?? '',
    state: 'firing',
    severity: labels.severity ?? 'none',
    labels,
    annotations: {},
    startsAt: T0,
    silencedBy: [],
    ...over,
  };
}

describe('silence matchers', () => {
  it('says why a word is not a matcher: its form, a control character, or a regex RE2 refuses', () => {
    expect(matcherProblem('service=~api|web')).toBeUndefined();
    expect(matcherProblem('service')).toMatch(/^is not a matcher: write name=value/);
    expect(matcherProblem('service=a\u001bb')).toMatch(/^holds a control character/);
    expect(matcherProblem('job=~(?<=a)b')).toBe(
      'has a regex that RE2 refuses: error parsing regexp: invalid named capture: `(?<=a)b` (Alertmanager matches with RE2: no lookaround, no backreferences)',
    );
  });

  it('are all of one alert’s labels, and only the shared ones of a group', () => {
    const a = alert({ alertname: 'Down', service: 'api', instance: 'a:1' });
    const b = alert({ alertname: 'Down', service: 'api', instance: 'b:1' });
    expect(identifyingMatchers([a]).map(matcherText)).toEqual([
      'alertname=Down',
      'service=api',
      'instance=a:1',
    ]);
    expect(identifyingMatchers([a, b]).map(matcherText)).toEqual(['alertname=Down', 'service=api']);
    expect(matchersCatch(identifyingMatchers([a]), a)).toBe(true);
    expect(matchersCatch(identifyingMatchers([a]), b)).toBe(false);
  });

  it('parse as the operator writes them, quoted values with spaces included, and round-trip', () => {
    const parsed = parseMatchers('alertname=Down summary="two words" job=~"api|web" env!=dev host!~db.*');
    expect(parsed).toEqual({
      matchers: [
        { name: 'alertname', value: 'Down', isRegex: false, isEqual: true },
        { name: 'summary', value: 'two words', isRegex: false, isEqual: true },
        { name: 'job', value: 'api|web', isRegex: true, isEqual: true },
        { name: 'env', value: 'dev', isRegex: false, isEqual: false },
        { name: 'host', value: 'db.*', isRegex: true, isEqual: false },
      ],
    });
    if (!('matchers' in parsed)) throw new Error('unparsed');
    expect(parseMatchers(parsed.matchers.map(matcherText).join(' '))).toEqual(parsed);
    expect(parseMatchers('service=api nonsense')).toEqual({ bad: 'nonsense' });
    expect(parseMatchers('job=~(')).toEqual({ bad: 'job=~(' });
  });

  it('catch by Alertmanager’s rules: a regex is anchored, a missing label is empty', () => {
    const a = alert({ alertname: 'Down', job: 'api-canary' });
    const m = (text: string) =>
      (parseMatchers(text) as { matchers: ReturnType<typeof identifyingMatchers> }).matchers;
    expect(matchersCatch(m('job=~api'), a)).toBe(false);
    expect(matchersCatch(m('job=~api.*'), a)).toBe(true);
    expect(matchersCatch(m('team=""'), a)).toBe(true);
    expect(matchersCatch(m('job!~api.*'), a)).toBe(false);
  });

  it('that would match everything are refused', () => {
    const m = (text: string) =>
      (parseMatchers(text) as { matchers: ReturnType<typeof identifyingMatchers> }).matchers;
    expect(matchesEverything(m('service!=api'))).toBe(true);
    expect(matchesEverything(m('service=~.*'))).toBe(true);
    expect(matchesEverything(m('service=""'))).toBe(true);
    expect(matchesEverything(m('service!=api alertname=Down'))).toBe(false);
  });
});

describe('silence matchers as Alertmanager runs them (RE2)', () => {
  const m = (text: string) =>
    (parseMatchers(text) as { matchers: ReturnType<typeof identifyingMatchers> }).matchers;

  it('match in linear time: (a+)+$ against forty a’s and a "!" answers (it hung at 100% CPU)', () => {
    const a = alert({ alertname: 'Down', job: `${'a'.repeat(40)}!` });
    expect(matchersCatch(m('job=~(a+)+$'), a)).toBe(false);
    expect(matchersCatch(m('job=~(a+)+!'), a)).toBe(true);
    expect(matchesEverything(m('job=~(a+)+$'))).toBe(false);
  });

  it('refuse what RE2 refuses, and any control character, as they would not be sent as shown', () => {
    expect(parseMatcher('job=~(?<=a)b')).toBeUndefined();
    expect(parseMatcher('job=~\\1')).toBeUndefined();
    expect(parseMatcher('job=api\u001b[2J')).toBeUndefined();
    expect(parseMatcher('job="api\u0007"')).toBeUndefined();
    expect(parseMatcher('job=api\u202e')).toBeUndefined();
    expect(parseMatcher('job=api-1')).toEqual({ name: 'job', value: 'api-1', isRegex: false, isEqual: true });
  });
});

describe('the playbook an alert names', () => {
  const loaded = (id: string) => ['hotfix', 'emergency-rollback'].includes(id);
  it('is its playbook label or annotation, else its runbook_url’s last part, when shipped', () => {
    expect(playbookNamedBy([alert({ alertname: 'X', playbook: 'Hotfix' })], loaded)).toBe('hotfix');
    expect(
      playbookNamedBy([alert({ alertname: 'X' }, { annotations: { playbook: 'hotfix' } })], loaded),
    ).toBe('hotfix');
    const url = (u: string) => alert({ alertname: 'X' }, { annotations: { runbook_url: u } });
    expect(playbookNamedBy([url('https://w.example/runbooks/emergency-rollback.md#steps')], loaded)).toBe(
      'emergency-rollback',
    );
    expect(playbookNamedBy([url('https://w.example/runbooks/emergency-rollback/')], loaded)).toBe(
      'emergency-rollback',
    );
    expect(playbookNamedBy([url('https://w.example/runbooks/other.md')], loaded)).toBeUndefined();
    expect(playbookNamedBy([alert({ alertname: 'X', playbook: 'rm -rf' })], loaded)).toBeUndefined();
  });
});

describe('alert order and severity', () => {
  it('proposes an incident severity from the environment’s map, case-insensitively', () => {
    expect(proposedSeverity('critical')).toBe('P1');
    expect(proposedSeverity('Warning')).toBe('P3');
    expect(proposedSeverity('critical', { CRITICAL: 'P0' })).toBe('P0');
    expect(proposedSeverity('info')).toBeUndefined();
  });

  it('sorts names as people read them: Rule9 before Rule10', () => {
    const names = ['Rule10', 'Rule9', 'Rule100'].map((n) => alert({ alertname: n, severity: 'warning' }));
    expect([...names].sort(alertOrder).map((a) => a.name)).toEqual(['Rule9', 'Rule10', 'Rule100']);
    expect(alertRows(names).map((r) => r.name)).toEqual(['Rule9', 'Rule10', 'Rule100']);
  });
});

describe('the alert condition', () => {
  const facts = (alerts?: Alert[]) => ({ now: T0 + 10 * min, services: {}, ...(alerts && { alerts }) });
  const cond = (c: unknown) => ConditionSchema.parse({ alert: c });

  it('holds for a matching alert in the state, for at least the duration', () => {
    const a = alert({ alertname: 'HighErrorRate', service: 'api' }, { startsAt: T0 + 4 * min });
    expect(evaluateCondition(cond({ name: 'HighErrorRate' }), facts([a]))).toMatchObject({
      verdict: 'yes',
      evidence: ['HighErrorRate firing since 6m00s service=api'],
    });
    expect(evaluateCondition(cond({ name: 'HighErrorRate', forAtLeast: '5m' }), facts([a])).verdict).toBe(
      'yes',
    );
    expect(evaluateCondition(cond({ name: 'HighErrorRate', forAtLeast: '10m' }), facts([a]))).toMatchObject({
      verdict: 'no',
      evidence: ['HighErrorRate firing, but not yet for 10m00s'],
    });
    expect(evaluateCondition(cond({ labels: { service: 'web' } }), facts([a])).verdict).toBe('no');
    expect(evaluateCondition(cond({ name: 'HighErrorRate', state: 'silenced' }), facts([a])).verdict).toBe(
      'no',
    );
    expect(evaluateCondition(cond({ name: 'HighErrorRate', state: 'any' }), facts([a])).verdict).toBe('yes');
  });

  it('is unknown, never "no", when the alerts cannot be read', () => {
    expect(evaluateCondition(cond({ name: 'HighErrorRate' }), facts()).verdict).toBe('unknown');
  });

  it('needs a name or labels to pick the alert by', () => {
    expect(ConditionSchema.safeParse({ alert: { state: 'firing' } }).success).toBe(false);
    expect(ConditionSchema.safeParse({ alert: { name: 'X', forAtLeast: 'soon' } }).success).toBe(false);
  });
});

describe('the post-mortem from linked alerts', () => {
  function journal(entries: [number, RecordKind, Record<string, unknown>, number?][]): JournalRecord[] {
    const records: JournalRecord[] = [];
    let prev = GENESIS;
    for (const [offset, kind, payload, at] of entries) {
      const raw = {
        seq: records.length + 1,
        ts: new Date(T0 + offset).toISOString(),
        ...(at !== undefined && { at: new Date(T0 + at).toISOString() }),
        kind,
        actor: 'alice@bastion',
        payload,
        prev,
      };
      prev = hashLine(JSON.stringify(raw));
      const parsed = parseRecord(raw);
      if (!parsed.ok) throw new Error(parsed.reason);
      records.push(parsed.record);
    }
    return records;
  }
  const labels = { alertname: 'HighErrorRate', service: 'checkout', severity: 'critical' };

  it('takes detection from the alert’s start, mitigation from its resolving, the service from its labels', () => {
    const state = foldIncident(
      'inc-a',
      journal([
        [5 * min, 'incident.declared', { title: 'checkout 5xx', severity: 'P1', commander: 'alice' }],
        [
          5 * min + 1,
          'alert.firing',
          { fingerprint: 'f1', name: 'HighErrorRate', state: 'firing', severity: 'critical', labels },
          2 * min,
        ],
        [12 * min, 'alert.resolved', { fingerprint: 'f1', name: 'HighErrorRate', labels }],
        [15 * min, 'incident.status', { status: 'resolved' }],
      ]),
    );
    if (!state) throw new Error('no incident');
    const pm = buildPostmortem(state);
    const times = Object.fromEntries(pm.keyTimes.map((k) => [k.name, k.at]));
    expect(times).toMatchObject({
      started: new Date(T0 + 2 * min).toISOString(),
      detected: new Date(T0 + 2 * min).toISOString(),
      acknowledged: new Date(T0 + 5 * min).toISOString(),
      mitigated: new Date(T0 + 12 * min).toISOString(),
    });
    expect(pm.impact.servicesAffected).toEqual(['checkout']);
  });
});
