import { describe, expect, it } from 'vitest';
import { renderConsole } from '../helpers/renderAtSize';
import { seededConsole } from '../helpers/seededConsole';

describe('text that arrives at once', () => {
  it('a paste is text: its line break never presses Enter and runs the next line as keys', async () => {
    const seeded = seededConsole();
    const v = renderConsole(seeded, 80, 24);
    await v.press('/');
    expect(seeded.store.getState().ui.prompt?.purpose).toBe('filter');
    // Bracketed paste, as a terminal sends it once the console has turned the mode on.
    await v.press('\u001b[200~timeout\rq\u001b[201~');
    const ui = seeded.store.getState().ui;
    expect(ui.prompt?.value).toBe('timeout q');
    expect(ui.overlay).toBe('prompt');
    v.unmount();
  });

  it('control keys that come in one read are as many presses', async () => {
    const seeded = seededConsole();
    const v = renderConsole(seeded, 80, 24);
    await v.press('/');
    await v.press('one two three');
    await v.press('\u0017\u0017');
    expect(seeded.store.getState().ui.prompt?.value).toBe('one ');
    v.unmount();
  });
});
