import { render as renderLib } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import { createConsoleControls } from '../../src/session/consoleControls';
import { helpBindings } from '../../src/session/keymap';
import { ConsoleContext } from '../../views/ConsoleContext';
import { ErrorRatePane } from '../../views/ErrorRatePane';
import { ANSI, plain, renderConsole } from '../helpers/renderAtSize';
import { seededConsole } from '../helpers/seededConsole';

function mount(columns: number, rows: number, options: { color?: boolean } = {}) {
  const seeded = seededConsole();
  const onExit = vi.fn();
  const view = renderConsole(seeded, columns, rows, { color: options.color ?? true, exit: onExit });
  return { ...seeded, ...view, onExit };
}

describe('dashboard', () => {
  it('fits 80x24 exactly and shows containers, the firing rule and the newest logs', async () => {
    const v = mount(80, 24);
    await v.settle();
    const lines = plain(v.frame()).split('\n');
    expect(lines.length).toBeLessThanOrEqual(24);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(80);
    const text = lines.join('\n');
    for (const name of ['gateway', 'api', 'worker']) expect(text).toContain(name);
    expect(text).toMatch(/api\s+12\.0%.*CRIT FIRING/);
    expect(text).toContain('ALERT');
    expect(text).toContain('line 39');
    expect(text).toContain('following');
    expect(v.frame()).toMatch(/\u001b\[(3[0-9]|9[0-7])m/);
    v.unmount();
  });

  it('puts containers and rates side by side at 200x50 and shows more log lines', async () => {
    const v = mount(200, 50);
    await v.settle();
    const lines = plain(v.frame()).split('\n');
    expect(lines.length).toBeLessThanOrEqual(50);
    expect(lines.some((l) => l.includes('Containers') && l.includes('Error rates'))).toBe(true);
    expect(lines.filter((l) => /line \d+/.test(l)).length).toBeGreaterThan(30);
    v.unmount();
  });

  it('opens a help overlay that lists every dashboard binding of the keymap', async () => {
    const v = mount(80, 24);
    await v.press('?');
    const text = plain(v.frame());
    for (const b of helpBindings(['dashboard'])) expect(text).toContain(b.description);
    // The help is the view's own: the triage's keys are not listed on the dashboard.
    expect(text).not.toContain('T: answer yes');
    await v.press('\u001b');
    await v.settle();
    expect(plain(v.frame())).not.toContain('Keys in the dashboard view');
    v.unmount();
  });

  it('runs any action from the command palette by fuzzy search', async () => {
    const v = mount(80, 24);
    await v.press(':');
    expect(plain(v.frame())).toContain(': █');
    await v.press('t', 'i', 'm', 'e', 'l');
    const frame = plain(v.frame());
    expect(frame).toMatch(/▶ timeline \/ dashboard/);
    await v.press('\r');
    expect(plain(v.frame())).toContain('Timeline');
    expect(v.store.getState().ui.view).toBe('timeline');
  });

  it('filters the logs live as the filter is typed', async () => {
    const v = mount(80, 24);
    await v.press('/');
    await v.press('r', 'i', 'd', ':', 'r', 'e', 'q', '-', '3', '5');
    const frame = plain(v.frame());
    expect(frame).toContain('line 35');
    expect(frame).not.toContain('line 34');
    await v.press('\u001b');
    expect(plain(v.frame())).toContain('line 34');
    v.unmount();
  });

  it('shows a JSON line pretty-printed in the detail view, wraps long lines, and jumps to a time', async () => {
    const v = mount(80, 24);
    await v.press('\r');
    let frame = plain(v.frame());
    expect(frame).toContain('Log line');
    expect(frame).toContain('"request_id": "req-39"');
    await v.press('\u001b');
    const long = JSON.stringify({ level: 'info', msg: `start ${'x'.repeat(150)} end` });
    v.ingest.sink({ type: 'log-lines', source: 'api', lines: [long], receivedAt: v.now });
    v.ingest.flush(v.now);
    await v.settle();
    expect(plain(v.frame())).not.toContain(' end');
    await v.press('w');
    frame = plain(v.frame());
    expect(frame).toContain('wrap');
    expect(frame).toContain(' end');
    await v.press('@');
    await v.press('0', '0', ':', '0', '0', '\r');
    expect(plain(v.frame())).toMatch(/no kept log line is that old|paused at/);
    // A time no clock shows is refused, not searched for.
    await v.press('@');
    await v.press('2', '5', ':', '9', '9', '\r');
    expect(plain(v.frame())).toContain('expected a time of day such as 03:12');
    v.unmount();
  });

  it('pauses and resumes the logs from the keyboard', async () => {
    const v = mount(80, 24);
    await v.press('k', 'k');
    expect(plain(v.frame())).toContain('PAUSED');
    expect(plain(v.frame())).not.toContain('line 39');
    await v.press('G');
    expect(plain(v.frame())).toContain('following');
    expect(plain(v.frame())).toContain('line 39');
    v.unmount();
  });

  it('quits at once without an incident, and asks first while one is open', async () => {
    const v = mount(80, 24);
    await v.press('q');
    expect(v.onExit).toHaveBeenCalledTimes(1);
    v.store.setState((s) => ({
      incident: {
        ...s.incident,
        active: { id: 'inc-1', title: 't', severity: 'P1', status: 'investigating', commander: 'alice' },
      },
    }));
    await v.press('q');
    expect(plain(v.frame())).toContain('Quit while incident inc-1 is open?');
    expect(v.onExit).toHaveBeenCalledTimes(1);
    await v.press('n');
    expect(plain(v.frame())).not.toContain('Quit while');
    await v.press('q', 'y');
    expect(v.onExit).toHaveBeenCalledTimes(2);
    v.unmount();
  });

  it('draws no colour under NO_COLOR and keeps state readable as text', async () => {
    const v = mount(80, 24, { color: false });
    await v.settle();
    const frame = v.frame();
    expect(frame).not.toMatch(/\u001b\[(3[0-9]|9[0-7])m/);
    expect(plain(frame)).toContain('CRIT FIRING');
    expect(plain(frame)).toContain('▶ 3 Logs');
    v.unmount();
  });

  it('draws hostile log text inert', async () => {
    const v = mount(80, 24);
    v.ingest.sink({
      type: 'log-lines',
      source: 'api',
      lines: ['evil \u001b]52;c;cm0gLXJm\u0007 \u001b[2J end\r'],
      receivedAt: v.now,
    });
    v.ingest.flush(v.now);
    await v.settle();
    const frame = v.frame();
    expect(plain(frame)).toContain('evil   end␍');
    expect(frame).not.toContain('\u001b]52');
    expect(frame.replace(ANSI, '')).not.toContain('\u001b');
    v.unmount();
  });
});

describe('ErrorRatePane (ink-testing-library)', () => {
  it('says unknown rather than 0% when a service has no data', () => {
    const seeded = seededConsole();
    seeded.ingest.sink({ type: 'counters-unknown', service: 'api', at: seeded.now, reason: 'ECONNREFUSED' });
    seeded.ingest.flush(seeded.now);
    const { lastFrame, unmount } = renderLib(
      <ConsoleContext.Provider
        value={{
          store: seeded.store,
          logs: seeded.logs,
          controls: createConsoleControls({ store: seeded.store, logs: seeded.logs, exit: () => {} }),
          color: false,
        }}
      >
        <ErrorRatePane width={90} height={6} focused={false} threshold={0.05} />
      </ConsoleContext.Provider>,
    );
    expect(lastFrame()).toMatch(/api\s+\?.*unknown/);
    expect(lastFrame()).toMatch(/gateway\s+0\.0%/);
    unmount();
  });
});
