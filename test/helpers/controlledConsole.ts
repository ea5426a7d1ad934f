import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import { IncidentRepository } from '../../src/incident/incidentRepository';
import { readJournal } from '../../src/incident/journal';
import { loadPlaybookDirs } from '../../src/playbooks/loadPlaybook';
import { createConsoleControls } from '../../src/session/consoleControls';
import { IncidentSession } from '../../src/session/incidentSession';
import { TriageSession } from '../../src/session/triageSession';
import { localTarget } from '../../src/transport/localCommand';
import { seededConsole } from './seededConsole';

/** The console without a terminal: a seeded store, a real journal, and keys handed to `dispatch`. */
export function controlledConsole(options: { triage?: boolean; severities?: Record<string, string> } = {}) {
  const seeded = seededConsole();
  const stateDir = mkdtempSync(join(tmpdir(), 'oc-controllers-'));
  const repo = new IncidentRepository(stateDir, 'op@test');
  const incident = new IncidentSession(repo, [], (active, timeline) =>
    seeded.store.setState((s) => ({ incident: { ...s.incident, active, timeline } })),
  );
  const triage = options.triage
    ? new TriageSession(seeded.store, loadPlaybookDirs(['playbooks']), incident, {
        variantOf: () => 'demo',
        hostOf: () => 'local',
        valuesOf: () => ({}),
        targetFor: () => localTarget,
        opsconsolePath: 'bin/opsconsole',
      })
    : undefined;
  const exit = vi.fn();
  const controls = createConsoleControls({
    store: seeded.store,
    logs: seeded.logs,
    exit,
    incident,
    ...(triage && { triage }),
    stateDir,
    ...(options.severities && {
      alertmanager: {
        // Declaring reads only the map; nothing here talks to an Alertmanager.
        api: { createSilence: () => Promise.reject(new Error('unused')), expireSilence: async () => {} },
        severities: options.severities,
      },
    }),
  });
  /** Keys as the view names them; a plain character also types itself. */
  const press = (...keys: string[]) => {
    for (const k of keys) controls.dispatch(k, k.length === 1 ? k : '');
  };
  const type = (text: string) => {
    for (const ch of text) controls.dispatch(ch, ch);
  };
  const ui = () => seeded.store.getState().ui;
  const records = () => {
    const id = seeded.store.getState().incident.active?.id as string;
    return readJournal(repo.pathOf(id)).records;
  };
  return { ...seeded, controls, press, type, ui, exit, records, stateDir, incident, triage };
}
