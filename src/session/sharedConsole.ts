import { actingAs } from '../incident/actingAs';
import type { ConnectedResponder, ResponderRole } from '../model/responders';
import { type ConsoleStore, createConsoleStore } from '../store/consoleStore';
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
   * While paused (its person is not reading) the shared data is not copied in, so nothing renders
   * for them; resuming copies the newest state once.
   */
  pause(): void;
  resume(): void;
  close(): void;
}

/**
 * Many screens over one session (`opsconsole serve`). Each screen has a store of its own: the
 * shared store's data is copied in as it changes (the same objects, so nothing is rebuilt), while
 * focus, scroll, filters and overlays stay that screen's. Who is connected is in everyone's data.
 */
export class SharedConsole {
  private readonly people = new Map<string, ConnectedResponder>();

  constructor(
    readonly shared: SharedSession,
    private readonly declare: DeclarePolicy = 'responders',
  ) {}

  open(who: Responder, exit: () => void): ResponderScreen {
    const { shared } = this;
    const store = createConsoleStore(shared.store.getState().environment);
    const ui = { ...store.getState().ui, me: who };
    store.setState({ ...shared.store.getState(), ui });
    let paused = false;
    const copy = () => store.setState({ ...shared.store.getState(), ui: store.getState().ui });
    const stopCopying = shared.store.subscribe(() => {
      if (!paused) copy();
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
      controls: { actions, dispatch: asWho(controls.dispatch), paletteEntries: controls.paletteEntries },
      pause: () => {
        paused = true;
      },
      resume: () => {
        if (!paused) return;
        paused = false;
        copy();
      },
      close: () => {
        if (closed) return;
        closed = true;
        stopCopying();
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
