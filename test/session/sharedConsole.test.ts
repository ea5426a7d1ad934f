import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IncidentRepository } from '../../src/incident/incidentRepository';
import { LogBuffer } from '../../src/logs/logBuffer';
import type { SharedSession } from '../../src/session/consoleSession';
import { IncidentSession } from '../../src/session/incidentSession';
import { SharedConsole } from '../../src/session/sharedConsole';
import { announce, createConsoleStore, withMessage } from '../../src/store/consoleStore';
import { freshMessage } from '../../views/StatusBar';

/** The shared half with no journal or triage behind it: enough for views and presence. */
function sharedWithoutJournal(): SharedSession {
  return {
    store: createConsoleStore('shop', 1000),
    logs: new LogBuffer(10),
    stateDir: '/nonexistent',
    chatPending: () => 0,
    stop: async () => {},
  } as unknown as SharedSession;
}

describe('screens over one shared session', () => {
  it('gives each person their own view state over the same data, and says who is here', () => {
    const shared = sharedWithoutJournal();
    const consoles = new SharedConsole(shared);
    const alice = consoles.open({ name: 'alice', role: 'commander' }, () => {});
    const bob = consoles.open({ name: 'bob', role: 'viewer' }, () => {});
    alice.controls.actions.toggleTimeline();
    expect(alice.store.getState().ui.view).toBe('timeline');
    expect(bob.store.getState().ui.view).toBe('dashboard');
    shared.store.setState({ now: 2000 });
    expect([alice.store.getState().now, bob.store.getState().now]).toEqual([2000, 2000]);
    expect(shared.store.getState().presence.map((p) => [p.name, p.role])).toEqual([
      ['alice', 'commander'],
      ['bob', 'viewer'],
    ]);
    expect(bob.store.getState().presence).toHaveLength(2);
    // A viewer's refused action says why on their own status line only.
    bob.controls.actions.declareIncident();
    expect(bob.store.getState().ui.message).toMatch(/bob: viewers read/);
    expect(alice.store.getState().ui.message).toBeUndefined();
    bob.close();
    expect(shared.store.getState().presence.map((p) => p.name)).toEqual(['alice']);
  });

  it('lets a viewer describe a container but not restart, stop or start it; the commander may', () => {
    const shared = {
      ...sharedWithoutJournal(),
      containers: {
        // The engine never answers here: only who may act is under test.
        describe: () => new Promise<never>(() => {}),
        // A target that never answers: the commander only gets as far as the confirmation.
        target: () => ({ name: 'local', run: () => new Promise<never>(() => {}) }),
      },
    } as unknown as SharedSession;
    const consoles = new SharedConsole(shared);
    const alice = consoles.open({ name: 'alice', role: 'commander' }, () => {});
    const bob = consoles.open({ name: 'bob', role: 'viewer' }, () => {});
    for (const who of [alice, bob])
      who.store.setState((s) => ({
        ui: {
          ...s.ui,
          overlay: 'container',
          container: { subject: { kind: 'container', host: 'local', name: 'shop-api-1', runtime: 'docker' } },
        },
      }));
    for (const action of [
      'restartContainer',
      'stopContainer',
      'startContainer',
      'restartService',
      'deletePod',
      'scaleWorkload',
    ] as const) {
      bob.controls.actions[action]();
      expect(bob.store.getState().ui.message).toMatch(/^bob: viewers read/);
      expect(bob.store.getState().ui.overlay).toBe('container');
    }
    // Looking is everyone's: closing the view is not refused.
    bob.controls.actions.closeContainer();
    expect(bob.store.getState().ui.overlay).toBe('none');
    // The commander is asked for the name before a restart.
    alice.controls.actions.restartContainer();
    expect(alice.store.getState().ui.prompt?.purpose).toBe('confirm-container');
  });

  it('does not redraw a screen whose person is not reading, and catches it up at once on resume', () => {
    const shared = sharedWithoutJournal();
    const screen = new SharedConsole(shared).open({ name: 'carol', role: 'viewer' }, () => {});
    screen.controls.actions.toggleHelp();
    const seen: number[] = [];
    screen.store.subscribe((s) => seen.push(s.now));
    screen.pause();
    shared.store.setState({ now: 5000 });
    shared.store.setState({ now: 6000 });
    expect(seen).toEqual([]);
    screen.resume();
    expect(seen).toEqual([6000]);
    expect(screen.store.getState().ui.overlay).toBe('help');
  });

  it('reads the shared data without copying it, and shows messages to everyone or to one person', () => {
    const shared = sharedWithoutJournal();
    const consoles = new SharedConsole(shared);
    const alice = consoles.open({ name: 'alice', role: 'commander' }, () => {});
    const bob = consoles.open({ name: 'bob', role: 'responder' }, () => {});
    // The very objects of the shared store: nothing was copied into the screens.
    expect(alice.store.getState().containers).toBe(shared.store.getState().containers);
    announce(shared.store.shared, 'resumed inc-1 (P1, investigating)', undefined, 1000);
    expect(freshMessage(alice.store.getState())).toBe('resumed inc-1 (P1, investigating)');
    expect(freshMessage(bob.store.getState())).toBe('resumed inc-1 (P1, investigating)');
    announce(shared.store.shared, 'alice handed you the triage steps', 'bob', 1001);
    expect(freshMessage(bob.store.getState())).toBe('alice handed you the triage steps');
    expect(freshMessage(alice.store.getState())).toBe('resumed inc-1 (P1, investigating)');
    // A screen's own message is its own.
    alice.store.setState((s) => withMessage({ ...s, now: 1002 }, 'exported'));
    expect(freshMessage(alice.store.getState())).toBe('exported');
    expect(freshMessage(bob.store.getState())).toBe('alice handed you the triage steps');
    // Gone after a few seconds, by the store's clock.
    shared.store.setState({ now: 20_000 });
    expect([freshMessage(alice.store.getState()), freshMessage(bob.store.getState())]).toEqual([
      undefined,
      undefined,
    ]);
  });

  it('lets a responder declare when no key says commander, and makes them its commander', () => {
    const shared = sharedWithoutJournal();
    const repo = new IncidentRepository(mkdtempSync(join(tmpdir(), 'oc-shared-')), 'op@test');
    shared.incident = new IncidentSession(repo, [], (active, timeline) =>
      shared.store.setState((s) => ({ incident: { ...s.incident, active, timeline } })),
    );
    const consoles = new SharedConsole(shared);
    const bob = consoles.open({ name: 'bob', role: 'responder' }, () => {});
    const dave = consoles.open({ name: 'dave', role: 'responder' }, () => {});
    bob.controls.dispatch('D', 'D');
    for (const ch of 'api down') bob.controls.dispatch(ch, ch);
    bob.controls.dispatch('return', '');
    bob.controls.dispatch('1', '1');
    expect(bob.store.getState().ui.message).toMatch(/^declared inc-/);
    expect(shared.store.getState().incident.active?.commander).toBe('bob');
    // The others respond: they annotate, but the course is the commander's.
    dave.controls.actions.changeStatus();
    expect(dave.store.getState().ui.message).toMatch(/only the commander \(bob\)/);
    // A console that keeps declaring to commanders' keys says how it was started.
    const strict = new SharedConsole(sharedWithoutJournal(), 'commanders').open(
      { name: 'erin', role: 'responder' },
      () => {},
    );
    strict.controls.actions.declareIncident();
    expect(strict.store.getState().ui.message).toMatch(
      /erin: only a commander's key .* --declare commanders/,
    );
  });
});
