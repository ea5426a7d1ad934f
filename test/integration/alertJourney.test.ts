import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { IncidentRepository } from '../../src/incident/incidentRepository';
import { readJournal } from '../../src/incident/journal';
import { type ConsoleSession, startConsoleSession } from '../../src/session/consoleSession';
import { AlertmanagerClient } from '../../src/sources/alertmanagerClient';
import { alertmanagerSource } from '../../src/sources/alertmanagerSource';
import { prometheusRulesSource } from '../../src/sources/prometheusAlerts';
import { TestAlertmanager } from '../helpers/alertmanager';
import { runCli } from '../helpers/cli';
import { startControlledService } from '../helpers/controlledService';
import { waitUntil } from '../helpers/processes';
import { type RunningPrometheus, startPrometheus } from '../helpers/prometheus';
import { bareSessionOptions } from '../helpers/sessionOptions';

/**
 * The whole path through real parts: a Prometheus rule over a service whose 5xx ratio the test sets,
 * sending to a real Alertmanager; the console (its session, controllers and journal) polling both.
 */
const RULES = [
  'groups:',
  '  - name: slo',
  '    rules:',
  '      - alert: HighErrorRate',
  '        expr: sum by (service) (rate(http_requests_total{code=~"5.."}[5s])) / sum by (service) (rate(http_requests_total[5s])) > 0.05',
  '        for: 3s',
  '        labels: { severity: critical }',
  '        annotations:',
  '          summary: "5xx above 5% on {{ $labels.service }}"',
  '          runbook_url: https://runbooks.example/high-error-rate',
  '',
].join('\n');

const am = new TestAlertmanager();
let prom: RunningPrometheus;
let svc: Awaited<ReturnType<typeof startControlledService>>;
let session: ConsoleSession;
let stateDir: string;

beforeAll(async () => {
  await am.start();
  svc = await startControlledService('checkout');
  prom = await startPrometheus([svc.target], { rules: RULES, alertmanager: am.url });
  stateDir = mkdtempSync(join(tmpdir(), 'oc-journey-'));
  session = startConsoleSession(
    bareSessionOptions('test', stateDir, {
      alertmanager: { api: new AlertmanagerClient(am.url), severities: { critical: 'P1' } },
      // Polled faster than the default 5 s so the test is quick; the path is the same.
      startSources: async (sink) => {
        const pollers = [
          prometheusRulesSource(prom.url, sink, {}, 250),
          alertmanagerSource(new AlertmanagerClient(am.url), sink, 250),
        ];
        for (const p of pollers) p.start();
        return {
          stop: async () => {
            for (const p of pollers) p.stop();
          },
        };
      },
    }),
  );
}, 90_000);

afterAll(async () => {
  await session?.stop();
  await prom?.stop();
  await am.stop();
  await svc?.stop();
});

const until = (what: string, ok: () => boolean | Promise<boolean>, ms = 30_000) =>
  waitUntil(ok, ms, what, () => session.ingest.flush());

describe('a Prometheus rule firing, through Alertmanager, to an incident and its silence', () => {
  it('shows pending then firing, declares with its start, silences exactly it, records its resolving', async () => {
    const { store, controls } = session;
    const state = () => store.getState();
    const press = (...keys: string[]) => {
      for (const k of keys) controls.dispatch(k, k.length === 1 ? k : '');
    };
    const type = (text: string) => {
      for (const ch of text) controls.dispatch(ch, ch);
    };
    await until('the rules', () => (state().alertRules?.rules.length ?? 0) > 0);
    expect(state().alertRules?.rules[0]).toMatchObject({
      name: 'HighErrorRate',
      forMs: 3000,
      state: 'inactive',
    });
    expect(state().alertRules?.rules[0]?.query).toContain('http_requests_total');

    svc.setRatio(0.5);
    // Pending first: Prometheus holds it for `for` before it fires and before Alertmanager hears of it.
    await until('pending', () => state().alertRules?.alerts.some((a) => a.state === 'pending') === true);
    // The CLI sees the same: the pending alert from Prometheus, its rule with expression and for.
    const cli = JSON.parse(
      (await runCli(['alerts', '--json', '--prometheus', prom.url, '--alertmanager', am.url])).stdout,
    );
    expect(cli.rules).toEqual([
      expect.objectContaining({
        name: 'HighErrorRate',
        group: 'slo',
        forMs: 3000,
        query: expect.stringContaining('5..'),
      }),
    ]);
    expect(cli.alerts.map((a: { name: string }) => a.name)).toContain('HighErrorRate');
    expect(cli.alertmanager).toMatchObject({ url: am.url, version: expect.stringMatching(/^\d+\.\d+/) });
    press('A');
    expect(state().ui.view).toBe('alerts');
    const pendingGroup = () => state().alertRules?.alerts.find((a) => a.name === 'HighErrorRate');
    expect(pendingGroup()?.labels).toMatchObject({ service: 'checkout', severity: 'critical' });
    await until(
      'firing in Alertmanager',
      () => state().alerts?.list.some((a) => a.name === 'HighErrorRate') === true,
    );
    const fromAm = state().alerts?.list.find((a) => a.name === 'HighErrorRate');
    expect(fromAm?.state).toBe('firing');
    expect(fromAm?.annotations.summary).toBe('5xx above 5% on checkout');

    // Once Prometheus has sent to it, init writes the alerting it finds through Prometheus: its rules, and the Alertmanager it names.
    const out = join(stateDir, 'init.yaml');
    const init = await runCli([
      'init',
      '--out',
      out,
      '--prometheus',
      prom.url,
      '--docker',
      join(stateDir, 'no.sock'),
    ]);
    expect(init.stderr).toContain(`the Alertmanager at ${am.url}`);
    const written = parse(readFileSync(out, 'utf8'));
    expect(written.environments.local).toMatchObject({
      alertmanager: { url: am.url },
      prometheus: { url: prom.url, rules: true },
      services: { checkout: { metrics: { prometheus: prom.url, selector: '{service="checkout"}' } } },
    });
    expect((await runCli(['check', '--config', out])).code).toBe(0);

    // Declare from it: title from its labels, P1 proposed by severity=critical, Enter accepts.
    press('D');
    expect(state().ui.prompt).toMatchObject({ value: 'HighErrorRate on checkout' });
    press('return');
    expect(state().ui.prompt).toMatchObject({ purpose: 'declare-severity', value: 'P1' });
    press('return');
    const id = state().incident.active?.id as string;
    const journal = () => readJournal(new IncidentRepository(stateDir).pathOf(id)).records;
    const linked = journal().find((r) => r.kind === 'alert.firing');
    expect(linked?.at).toBe(new Date(fromAm?.startsAt as number).toISOString());
    expect(linked?.kind === 'alert.firing' && linked.payload.labels).toEqual(fromAm?.labels);

    // Silence it: the matchers are exactly its labels.
    press('s', 'return', 'return');
    type('silence');
    press('return');
    const client = new AlertmanagerClient(am.url);
    await until('the silence', async () => (await client.silences()).some((s) => s.state === 'active'));
    const silence = (await client.silences()).find((s) => s.state === 'active');
    expect(Object.fromEntries((silence?.matchers ?? []).map((m) => [m.name, m.value]))).toEqual(
      fromAm?.labels,
    );
    expect(silence?.matchers.every((m) => m.isEqual && !m.isRegex)).toBe(true);
    expect(silence?.comment).toBe(`opsconsole: incident ${id}`);
    await until('silenced in Alertmanager', async () =>
      (await client.alerts()).some((a) => a.name === 'HighErrorRate' && a.state === 'silenced'),
    );

    // The service recovers: the rule stops, Alertmanager lets the alert go, the journal says so.
    svc.setRatio(0);
    await until('resolved', () => journal().some((r) => r.kind === 'alert.resolved'), 60_000);

    // Alertmanager goes away mid-run: unknown, never zero; back by itself when it returns.
    await am.stop();
    await until('unknown', () => state().alerts?.unknown !== undefined);
    await am.start();
    await until('known again', () => state().alerts !== undefined && state().alerts?.unknown === undefined);

    // Resolving offers to expire the incident's silence; y does, in Alertmanager too.
    press('S');
    press(state().ui.prompt?.choices?.find((c) => c.value === 'resolved')?.key as string);
    expect(state().ui.prompt).toMatchObject({ purpose: 'expire-silences' });
    press('y');
    await until('expired', async () =>
      (await client.silences()).some((s) => s.id === silence?.id && s.state === 'expired'),
    );

    // The post-mortem's detection time is the alert's start.
    press('e');
    const draft = readFileSync(join(stateDir, 'exports', `${id}.md`), 'utf8');
    expect(draft).toContain(`| detected | ${new Date(fromAm?.startsAt as number).toISOString()} |`);
    expect(draft).toMatch(/Alert HighErrorRate firing \(critical\): 5xx above 5% on checkout/);
    expect(draft).toMatch(/Alert HighErrorRate resolved/);
    expect(draft).toContain('Services affected: checkout');
  }, 180_000);
});
