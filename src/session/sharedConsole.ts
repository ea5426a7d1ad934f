import { actingAs } from '../incident/actingAs';
import type { ConnectedResponder, ResponderRole } from '../model/responders';
import { type ConsoleStore, createViewStore, screenStore } from '../store/consoleStore';

import { type ConsoleControls, createConsoleControls } from './consoleControls';
import type { SharedSession } from './consoleSession';
import { type DeclarePolicy, refusal } from './roles';

export interface Responder {
  name: string;
  role: ResponderRole;
}

/** One person's screen on the shared console: their own view state over everyone's data. */
export interface ResponderScreen {
  store: ConsoleStore;
  /** The controls, with every action run as this person (the journal's actor) and within their role. */
  controls: ConsoleControls;
  /**
   * While paused (its person is not reading) shared changes are not passed on, so nothing renders
   * for them; resuming copies the newest state once.
   */
  pause(): void;
  resume(): void;
  close(): void;
}

/**
 * Many screens over one session (`opsconsole serve`), as wish's multichat keeps a model per SSH
 * session: each screen reads the session's shared data directly (subscribed, never copied) beside a
 * view of its own (focus, scroll, filters, overlays, its messages). What the session announces
 * reaches every screen, or one person's. Who is connected is in everyone's data.
 */
export class SharedConsole {
  private readonly people = new Map<string, ConnectedResponder>();

  constructor(
    readonly shared: SharedSession,
    private readonly declare: DeclarePolicy = 'responders',
  ) {}

  open(who: Responder, exit: () => void): ResponderScreen {
    const { shared } = this;
    let paused = false;
    const resumers = new Set<() => void>();
    const store = screenStore(shared.store.shared, createViewStore(who), {
      paused: () => paused,
      onResume: (run) => {
        resumers.add(run);
        return () => resumers.delete(run);
      },
    });
    this.join(who);
    const controls = createConsoleControls({
      store,
      logs: shared.logs,
      exit,
      incident: shared.incident,
      triage: shared.triage,
      stateDir: shared.stateDir,
      ...(shared.alertmanager && { alertmanager: shared.alertmanager }),
      ...(shared.containers && { containers: shared.containers }),
      ...(shared.search && { search: shared.search }),
      refusal: (action) => refusal(action, who, store.getState(), this.declare),
      commanderCandidates: () =>
        [...this.people.values()]
          .filter((p) => p.role !== 'viewer' && p.name !== who.name)
          .map((p) => p.name),
    });
    // Everything this screen does (its awaits too: a step's result) is recorded under its person.
    const asWho =
      <A extends unknown[], R>(fn: (...args: A) => R) =>
      (...args: A) =>
        actingAs.run(who.name, () => fn(...args));
    const actions = Object.fromEntries(
      Object.entries(controls.actions).map(([name, fn]) => [name, asWho(fn as (...a: unknown[]) => unknown)]),
    ) as ConsoleControls['actions'];
    let closed = false;
    return {
      store,
      controls: {
        actions,
        dispatch: asWho(controls.dispatch),
        paletteEntries: controls.paletteEntries,
        stop: controls.stop,
      },
      pause: () => {
        paused = true;
      },
      resume: () => {
        if (!paused) return;
        paused = false;
        for (const run of resumers) run();
      },
      close: () => {
        if (closed) return;
        closed = true;
        controls.stop();
        this.leave(who);
      },
    };
  }

  private join(who: Responder): void {
    const known = this.people.get(who.name);
    this.people.set(who.name, { name: who.name, role: who.role, sessions: (known?.sessions ?? 0) + 1 });
    this.publish();
  }

  private leave(who: Responder): void {
    const known = this.people.get(who.name);
    if (!known) return;
    if (known.sessions <= 1) this.people.delete(who.name);
    else this.people.set(who.name, { ...known, sessions: known.sessions - 1 });
    this.publish();
  }

  private publish(): void {
    this.shared.store.setState({ presence: [...this.people.values()] });
  }
}
