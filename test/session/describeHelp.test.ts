import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startConsoleSession } from '../../src/session/consoleSession';
import { helpBindings } from '../../src/session/keymap';
import { bareSessionOptions } from '../helpers/sessionOptions';

describe('help from the describe view', () => {
  it('shows the describe view’s keys and closes back to it', async () => {
    const session = startConsoleSession(bareSessionOptions('lab', mkdtempSync(join(tmpdir(), 'oc-help-'))));
    try {
      const ui = () => session.store.getState().ui;
      session.store.setState((s) => ({
        ui: {
          ...s.ui,
          overlay: 'container',
          container: { subject: { kind: 'container', host: 'local', name: 'api', runtime: 'docker' } },
        },
      }));
      session.controls.dispatch('?', '?');
      expect([ui().overlay, ui().helpOfDescribe]).toEqual(['help', true]);
      expect(helpBindings(['container']).map((b) => b.keys[0])).toEqual(
        expect.arrayContaining(['R', 'S', 'U', 'A', 'D', 's', 'l', '/', '?']),
      );
      session.controls.dispatch('escape', '');
      expect(ui().overlay).toBe('container');
      session.controls.dispatch('escape', '');
      expect(ui().overlay).toBe('none');
      session.controls.dispatch('?', '?');
      session.controls.dispatch('escape', '');
      expect(ui().overlay).toBe('none');
    } finally {
      await session.stop();
    }
  });
});
