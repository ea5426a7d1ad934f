import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IncidentRepository } from '../../src/incident/incidentRepository';
import { readJournal } from '../../src/incident/journal';
import { parseMatchers } from '../../src/model/alerts';
import { createConsoleControls } from '../../src/session/consoleControls';
import { IncidentSession } from '../../src/session/incidentSession';
import { AlertmanagerClient } from '../../src/sources/alertmanagerClient';
import { alertmanagerSource } from '../../src/sources/alertmanagerSource';
import { alertGroups } from '../../src/store/selectors';
import { TestAlertmanager } from '../helpers/alertmanager';
import { runCli } from '../helpers/cli';
import { waitUntil } from '../helpers/processes';
import { plain, renderConsole } from '../helpers/renderAtSize';
import { seededConsole } from '../helpers/seededConsole';

const am = new TestAlertmanager();
const ACTIVE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

beforeAll(async () => {
  await am.start();
  const hour = new Date(Date.now() - 3_600_000).toISOString();
  await am.post([
    {
      labels: { alertname: 'HighErrorRate', severity: 'warning', service: 'worker' },
      annotations: { summary: 'worker 5xx above 1%' },
      startsAt: hour,
    },
    {
      labels: {
        alertname: 'ApiDown',
        severity: 'critical',
        service: 'api',
        note: '\u001b]52;c;cm0gLXJmIC8=\u0007x\u202e',
      },
      annotations: { summary: 'api is down \u001b[2J' },
      startsAt: new Date(Date.now() - 600_000).toISOString(),
    },
    { labels: { alertname: 'DiskFull', severity: 'critical', service: 'db' } },
  ]);
}, 60_000);

afterAll(async () => {
  await am.stop();
});

describe('alerts from a real Alertmanager (API v2)', () => {
  it('lists them most severe first, silenced ones as silenced, with the silences, never raw', async () => {
    const id = await am.silence([{ name: 'alertname', value: 'DiskFull' }], 'known, being handled');
    type Listed = {
      alerts: { name: string; state: string; severity: string; labels: Record<string, string> }[];
      silences: { id: string }[];
    };
    // Alertmanager applies a new silence on its next pass: ask until it shows.
    let json: Listed = { alerts: [], silences: [] };
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      json = JSON.parse((await runCli(['alerts', '--json', '--alertmanager', am.url])).stdout) as Listed;
      if (json.alerts.some((a) => a.name === 'DiskFull' && a.state === 'silenced')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(json.alerts.map((a) => a.name)).toEqual(['ApiDown', 'DiskFull', 'HighErrorRate']);
    expect(json.alerts.find((a) => a.name === 'DiskFull')?.state).toBe('silenced');
    expect(json.silences.map((s) => s.id)).toEqual([id]);
    const text = await runCli(['alerts', '--alertmanager', am.url]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^firing\s+critical ApiDown/m);
    expect(text.stdout).toMatch(
      /^silence \S+ active until .* by test: alertname=DiskFull\s+\(known, being handled\)/m,
    );
    expect(ACTIVE.test(text.stdout)).toBe(false);
    const filtered = await runCli([
      'alerts',
      '--json',
      '--filter',
      'service=worker',
      '--alertmanager',
      am.url,
    ]);
    expect(JSON.parse(filtered.stdout).alerts.map((a: { name: string }) => a.name)).toEqual([
      'HighErrorRate',
    ]);
  });

  it('says where and why when there is no Alertmanager to ask, or it does not answer', async () => {
    const none = await runCli(['alerts'], { cwd: am.dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no Alertmanager to ask[\s\S]*--alertmanager URL/);
    const down = await runCli(['alerts', '--alertmanager', 'http://127.0.0.1:9/']);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(
      /^opsconsole: alerts: http:\/\/127\.0\.0\.1:9\/: .*\n {2}fix: nothing listens there; start Alertmanager/,
    );
    expect(down.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('the alerts view in the console', () => {
  it('shows the polled alerts most severe first, inert, and says when they become unknown', async () => {
    const seeded = seededConsole(Date.now() - 200_000);
    // A poller asks the live Alertmanager first, then one at a port nobody listens on.
    const source = alertmanagerSource(new AlertmanagerClient(am.url), seeded.ingest.sink, 100);
    source.start();
    const until = (ok: () => boolean) => waitUntil(ok, 15_000, 'the alerts', () => seeded.ingest.flush());
    await until(() => (seeded.store.getState().alerts?.list.length ?? 0) >= 3);
    const view = renderConsole(seeded, 80, 24, { color: true });
    await view.settle();
    await view.press('A');
    const text = plain(view.frame());
    const lines = text.split('\n');
    const api = lines.findIndex((l) => /critical\s+ApiDown\s+api/.test(l));
    const worker = lines.findIndex((l) => /warning\s+HighErrorRate\s+worker/.test(l));
    expect(api).toBeGreaterThan(-1);
    expect(worker).toBeGreaterThan(api);
    expect(text).toContain('api is down');
    // The header counts what Alertmanager has firing; the silenced DiskFull is not among them.
    expect(lines[0]).toContain('· am 2 │ ALERT');
    expect(ACTIVE.test(text.replace(/\n/g, ''))).toBe(false);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(80);
    const selected = () =>
      view
        .frame()
        .split('\n')
        .find((l) => l.includes('\u001b[7m')) ?? '';
    expect(selected()).toContain('ApiDown');
    await view.press('j');
    expect(selected()).toContain('DiskFull');
    await view.press('\r');
    expect(plain(view.frame())).toMatch(/^silenced critical DiskFull since .* silenced by \S+/m);
    await view.press('k');
    const detail = plain(view.frame());
    expect(detail).toMatch(/^ {2}labels: alertname=ApiDown .*note=/m);
    expect(detail).toMatch(/^ {2}summary: api is down/m);
    expect(ACTIVE.test(plain(view.frame()).replace(/\n/g, ''))).toBe(false);
    await view.press('\r');
    expect(plain(view.frame())).not.toContain('labels:');
    source.stop();
    const dead = alertmanagerSource(new AlertmanagerClient('http://127.0.0.1:9/'), seeded.ingest.sink, 100);
    dead.start();
    await until(() => seeded.store.getState().alerts?.unknown !== undefined);
    dead.stop();
    await view.settle();
    const after = plain(view.frame());
    expect(after).toMatch(/alerts unknown, showing the last list: .*ECONNREFUSED/);
    expect(after).toContain('ApiDown');
    expect(after.split('\n')[0]).toContain('· am 2? │');
    await view.press('A');
    expect(plain(view.frame())).not.toContain('alerts unknown');
    view.unmount();
  });
});

/** Alertmanager's own view of its silences (not opsconsole's): what an operator would check. */
async function silencesInAlertmanager() {
  const res = await fetch(`${am.url}/api/v2/silences`);
  return (await res.json()) as {
    id: string;
    status: { state: string };
    matchers: { name: string; value: string; isRegex: boolean; isEqual: boolean }[];
    createdBy: string;
    comment: string;
  }[];
}

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 20_000;
  let v = await read();
  while (!ok(v) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    v = await read();
  }
  return v;
}

describe('silence as acknowledgement', () => {
  it('alerts silence: shows the plan, refuses unconfirmed, creates exactly the matchers, journals, expires', async () => {
    const state = mkdtempSync(join(tmpdir(), 'oc-silence-cli-'));
    const env = { OPSCONSOLE_STATE_DIR: state };
    const id = (
      await runCli(['incident', 'declare', '--title', 'worker errors', '--severity', 'P2'], { env })
    ).stdout.trim();
    const args = ['alerts', 'silence', 'alertname=HighErrorRate', 'service=worker', '--for', '30m'];
    const before = (await silencesInAlertmanager()).length;
    // No terminal to type the confirmation on and no --yes: the plan is shown, nothing is created.
    const unconfirmed = await runCli([...args, '--alertmanager', am.url, '--incident', id], { env });
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stdout).toMatch(/^ {2}alertname=HighErrorRate\n {2}service=worker$/m);
    expect(unconfirmed.stdout).toMatch(/It catches 1 alert right now:\n {2}firing +warning +HighErrorRate/);
    expect(unconfirmed.stderr).toMatch(/not confirmed[\s\S]*--yes/);
    expect((await silencesInAlertmanager()).length).toBe(before);
    const made = await runCli(
      [...args, '--alertmanager', am.url, '--incident', id, '--comment', 'rolling back', '--yes'],
      { env },
    );
    expect(made.code).toBe(0);
    const silenceId = /silence (\S+) created/.exec(made.stdout)?.[1] as string;
    const inAm = (await silencesInAlertmanager()).find((x) => x.id === silenceId);
    expect(inAm?.matchers).toEqual([
      { name: 'alertname', value: 'HighErrorRate', isRegex: false, isEqual: true },
      { name: 'service', value: 'worker', isRegex: false, isEqual: true },
    ]);
    expect(inAm?.createdBy).toMatch(/^\S+@\S+$/);
    expect(inAm?.comment).toBe(`opsconsole: incident ${id}: rolling back`);
    const listed = await eventually(
      async () => JSON.parse((await runCli(['alerts', '--json', '--alertmanager', am.url])).stdout),
      (j) =>
        j.alerts.some(
          (a: { name: string; state: string }) => a.name === 'HighErrorRate' && a.state === 'silenced',
        ),
    );
    expect(listed.alerts.find((a: { name: string }) => a.name === 'HighErrorRate').state).toBe('silenced');
    // Resolving says which silences are still active, and how to expire them.
    const resolved = await runCli(['incident', 'resolve', id], { env });
    expect(resolved.stdout).toContain(`opsconsole alerts expire ${silenceId} --incident ${id}`);
    const expired = await runCli(
      ['alerts', 'expire', silenceId, '--incident', id, '--yes', '--alertmanager', am.url],
      {
        env,
      },
    );
    expect(expired.code).toBe(0);
    expect((await silencesInAlertmanager()).find((x) => x.id === silenceId)?.status.state).toBe('expired');
    const kinds = readJournal(join(state, 'incidents', `${id}.jsonl`)).records.map((r) => r.kind);
    expect(kinds).toEqual([
      'incident.declared',
      'silence.intent',
      'silence.result',
      'incident.status',
      'silence.expired',
    ]);
    // Bad input is a usage error naming the word, never a stack.
    const bad = await runCli(['alerts', 'silence', 'service=~(', '--for', '1h', '--alertmanager', am.url]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /"service=~\(" has a regex that RE2 refuses: error parsing regexp: missing closing \)/,
    );
    const broad = await runCli([
      'alerts',
      'silence',
      'service!=x',
      '--for',
      '1h',
      '--yes',
      '--alertmanager',
      am.url,
    ]);
    expect(broad.code).toBe(2);
    expect(broad.stderr).toContain('matches everything');
  });

  it('from the console: s shows the matchers and what they catch, "silence" creates it, resolving offers to expire', async () => {
    const seeded = seededConsole(Date.now() - 200_000);
    const source = alertmanagerSource(new AlertmanagerClient(am.url), seeded.ingest.sink, 100);
    source.start();
    const stateDir = mkdtempSync(join(tmpdir(), 'oc-silence-console-'));
    const repo = new IncidentRepository(stateDir, 'op@test');
    const incident = new IncidentSession(repo, [], (active, timeline) =>
      seeded.store.setState((s) => ({ incident: { ...s.incident, active, timeline } })),
    );
    const controls = createConsoleControls({
      store: seeded.store,
      logs: seeded.logs,
      exit: () => {},
      incident,
      stateDir,
      alertmanager: { api: new AlertmanagerClient(am.url) },
    });
    const ui = () => seeded.store.getState().ui;
    const press = (...keys: string[]) => {
      for (const k of keys) controls.dispatch(k, k.length === 1 ? k : '');
    };
    const type = (text: string) => {
      for (const ch of text) controls.dispatch(ch, ch);
    };
    const alertsNow = (ok: () => boolean) => waitUntil(ok, 15_000, 'the alerts', () => seeded.ingest.flush());
    await alertsNow(() => seeded.store.getState().alerts?.list.some((a) => a.name === 'ApiDown') === true);
    press('A');
    // ApiDown (critical) is first: declare from it, then silence it.
    press('D', 'return', 'return');
    const incidentId = seeded.store.getState().incident.active?.id as string;
    expect(incidentId).toBeDefined();
    press('s');
    expect(ui().prompt).toMatchObject({ purpose: 'silence-matchers' });
    // Every one of the alert's labels, so nothing broader than the alert is silenced.
    const apiDown = seeded.store.getState().alerts?.list.find((a) => a.name === 'ApiDown');
    expect(parseMatchers(ui().prompt?.value ?? '')).toEqual({
      matchers: Object.entries(apiDown?.labels ?? {}).map(([name, value]) => ({
        name,
        value,
        isRegex: false,
        isEqual: true,
      })),
    });
    press('return');
    expect(ui().prompt).toMatchObject({ purpose: 'silence-duration', value: '1h' });
    press('backspace', 'backspace');
    type('2h');
    press('return');
    expect(ui().prompt?.label).toBe('Type "silence" to silence 1 alert for 2h00m');
    expect(ui().prompt?.details?.[0]).toMatch(/^matchers: alertname=ApiDown /);
    expect(ui().prompt?.details?.[1]).toBe(`catches: firing ApiDown ${apiDown?.fingerprint}`);
    // Anything but the word does nothing.
    type('yes');
    press('return');
    expect(ui().message).toBe('not silenced: type "silence" to confirm');
    const before = (await silencesInAlertmanager()).length;
    press('s', 'return', 'return');
    type('silence');
    press('return');
    const all = await eventually(silencesInAlertmanager, (l) => l.length > before);
    const made = all.find((x) => x.comment === `opsconsole: incident ${incidentId}`);
    expect(made?.status.state).toBe('active');
    expect(made?.matchers.map((m) => m.name).sort()).toEqual(Object.keys(apiDown?.labels ?? {}).sort());
    await alertsNow(() => (ui().message ?? '').startsWith('silence '));
    expect(ui().message).toContain(made?.id);
    // Resolving offers to expire the incident's silences; y expires them in Alertmanager.
    press('S');
    const resolvedKey = ui().prompt?.choices?.find((c) => c.value === 'resolved')?.key as string;
    press(resolvedKey);
    // The seeded api's critical rule still fires: resolving asks first (and the record says so).
    expect(ui().prompt).toMatchObject({ purpose: 'resolve-anyway' });
    press('y');
    expect(ui().prompt).toMatchObject({ purpose: 'expire-silences' });
    expect(ui().prompt?.details).toEqual([
      expect.stringMatching(new RegExp(`^${made?.id}: alertname=ApiDown`)),
    ]);
    press('y');
    const after = await eventually(silencesInAlertmanager, (l) =>
      l.some((x) => x.id === made?.id && x.status.state === 'expired'),
    );
    expect(after.find((x) => x.id === made?.id)?.status.state).toBe('expired');
    const kinds = readJournal(repo.pathOf(incidentId)).records.map((r) => r.kind);
    expect(kinds.filter((k) => k.startsWith('silence.') || k.startsWith('alert.'))).toEqual([
      'alert.firing',
      'silence.intent',
      'silence.result',
      'silence.expired',
    ]);
    source.stop();
    incident.close();
  });
});

describe('a silence made before declaring', () => {
  it('goes on the incident declared next, at the time it was made, and is offered for expiry on resolving', async () => {
    const seeded = seededConsole(Date.now() - 200_000);
    const source = alertmanagerSource(new AlertmanagerClient(am.url), seeded.ingest.sink, 100);
    source.start();
    const stateDir = mkdtempSync(join(tmpdir(), 'oc-silence-early-'));
    const repo = new IncidentRepository(stateDir, 'op@test');
    const incident = new IncidentSession(repo, [], (active, timeline) =>
      seeded.store.setState((s) => ({ incident: { ...s.incident, active, timeline } })),
    );
    const controls = createConsoleControls({
      store: seeded.store,
      logs: seeded.logs,
      exit: () => {},
      incident,
      stateDir,
      alertmanager: { api: new AlertmanagerClient(am.url) },
    });
    const ui = () => seeded.store.getState().ui;
    const press = (...keys: string[]) => {
      for (const k of keys) controls.dispatch(k, k.length === 1 ? k : '');
    };
    const alertsNow = (ok: () => boolean) => waitUntil(ok, 15_000, 'the alerts', () => seeded.ingest.flush());
    await alertsNow(
      () => seeded.store.getState().alerts?.list.some((a) => a.name === 'HighErrorRate') === true,
    );
    press('A');
    const worker = alertGroupsIndex(seeded, 'HighErrorRate');
    for (let i = 0; i < worker; i++) press('j');
    const silencedAt = Date.now();
    press('s', 'return', 'return');
    for (const ch of 'silence') controls.dispatch(ch, ch);
    press('return');
    await alertsNow(() => /^silence \S+ created/.test(ui().message ?? ''));
    const silenceId = /^silence (\S+)/.exec(ui().message ?? '')?.[1] as string;
    // Declared a little later, from the same alert.
    press('D', 'return', 'return');
    const id = seeded.store.getState().incident.active?.id as string;
    const records = readJournal(repo.pathOf(id)).records;
    const result = records.find((r) => r.kind === 'silence.result');
    expect(result?.payload).toMatchObject({ silenceId });
    expect(Date.parse(result?.at as string)).toBeGreaterThanOrEqual(silencedAt - 1000);
    // On the timeline at the time it was made, before the declaration.
    const kinds = seeded.store.getState().incident.timeline.map((e) => e.kind);
    expect(kinds.indexOf('silence.result')).toBeLessThan(kinds.indexOf('incident.declared'));
    expect(incident.activeSilences().map((x) => x.id)).toEqual([silenceId]);
    source.stop();
    incident.close();
  });
});

/** The row of the alerts view that holds the alert named `name`. */
function alertGroupsIndex(seeded: ReturnType<typeof seededConsole>, name: string): number {
  return alertGroups(seeded.store.getState()).rows.findIndex((r) => r.name === name);
}

describe('status --json with an Alertmanager in the environment', () => {
  it('includes its alerts, most severe first', async () => {
    const { writeFileSync } = await import('node:fs');
    const config = join(am.dir, 'opsconsole.yaml');
    writeFileSync(
      config,
      ['environments:', '  prod:', `    alertmanager: { url: "${am.url}" }`, '    services: {}', ''].join(
        '\n',
      ),
    );
    const r = await runCli(['status', '--json', '--sample', '1s', '--config', config]);
    const snap = JSON.parse(r.stdout);
    expect(snap.alerts.map((a: { name: string }) => a.name)).toEqual([
      'ApiDown',
      'DiskFull',
      'HighErrorRate',
    ]);
    await am.stop();
    const down = JSON.parse(
      (await runCli(['status', '--json', '--sample', '1s', '--config', config])).stdout,
    );
    expect(down.alerts).toBeNull();
    expect(down.alertsUnknown).toMatch(/ECONNREFUSED|connect/);
  });
});
