import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { updateIntervals } from '../../src/cli/notifyTargets';
import { EnvironmentSchema } from '../../src/config/schema';
import { IncidentRepository } from '../../src/incident/incidentRepository';
import { readJournal } from '../../src/incident/journal';
import { startConsoleSession } from '../../src/session/consoleSession';
import { waitUntil } from '../helpers/processes';
import { bareSessionOptions } from '../helpers/sessionOptions';

describe('stakeholder update reminders (on the store’s clock, set by the test)', () => {
  it('counts down to the next update by severity, journals the reminder once when it falls due, and an update resets it', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'oc-remind-'));
    const session = startConsoleSession(bareSessionOptions('lab', stateDir));
    try {
      const { store } = session;
      const incident = session.incident.declare('checkout slow', 'P1');
      const declaredAt = store.getState().incident.timeline[0]?.at ?? 0;
      const tick = (at: number) => store.setState({ now: at });
      tick(declaredAt + 60_000);
      expect(store.getState().updateDue).toBe(declaredAt + 15 * 60_000);
      tick(declaredAt + 16 * 60_000);
      await waitUntil(
        () => store.getState().incident.timeline.some((e) => e.kind === 'update.due'),
        5_000,
        'the reminder',
      );
      tick(declaredAt + 17 * 60_000);
      tick(declaredAt + 18 * 60_000);
      const path = new IncidentRepository(stateDir).pathOf(incident.id);
      const reminders = readJournal(path).records.filter((r) => r.kind === 'update.due');
      expect(reminders).toHaveLength(1);
      expect(reminders[0]).toMatchObject({
        at: new Date(declaredAt + 15 * 60_000).toISOString(),
        payload: { severity: 'P1', everyMs: 15 * 60_000 },
      });
      // An update sent: the next is due 15 minutes after it; P3 has none until its status changes.
      session.incident.record('incident.update', { text: 'Impact: none now.' });
      const sent = store.getState().incident.timeline.find((e) => e.kind === 'incident.update')?.at ?? 0;
      tick(sent + 1000);
      expect(store.getState().updateDue).toBe(sent + 15 * 60_000);
      session.incident.setSeverity('P3');
      tick(sent + 2000);
      expect(store.getState().updateDue).toBeUndefined();
    } finally {
      await session.stop();
    }
  });

  it('takes the intervals the config sets: a duration, or status for none', async () => {
    const every = updateIntervals(
      EnvironmentSchema.parse({ services: {}, updateEvery: { P1: '5m', P2: 'status' } }).updateEvery,
    );
    expect(every).toEqual({ P0: 15 * 60_000, P1: 5 * 60_000, P2: undefined, P3: undefined });
    const session = startConsoleSession(
      bareSessionOptions('lab', mkdtempSync(join(tmpdir(), 'oc-remind-cfg-')), { updateEvery: every }),
    );
    try {
      session.incident.declare('checkout slow', 'P1');
      const declaredAt = session.store.getState().incident.timeline[0]?.at ?? 0;
      session.store.setState({ now: declaredAt + 1000 });
      expect(session.store.getState().updateDue).toBe(declaredAt + 5 * 60_000);
      session.incident.setSeverity('P2');
      session.store.setState({ now: declaredAt + 2000 });
      expect(session.store.getState().updateDue).toBeUndefined();
    } finally {
      await session.stop();
    }
  });
});
