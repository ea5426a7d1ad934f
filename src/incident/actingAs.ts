import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Who is acting, for the journal's `actor`: one process may serve several responders (`opsconsole
 * serve`), and a step's result is written long after its key was pressed. Whatever runs inside
 * `actingAs.run(name, ...)`, its awaits and timers included, is recorded under that name.
 */
export const actingAs = new AsyncLocalStorage<string>();
