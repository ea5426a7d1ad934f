import type { Informer, KubernetesObject } from '@kubernetes/client-node';
import type { boundedWatch } from './kubernetesApi';

/**
 * A healthy watch is closed by the server every few minutes and re-opened (a `connect`); one that
 * stays silent this long is the known failure of a watch that stops delivering without closing.
 */
export const WATCHDOG_MS = 15 * 60_000;

/**
 * Keeps an informer going: started again 2 s after an error (as kubectl's reflector does), and
 * stopped and re-listed when nothing (not even a bookmark: `touch`) has come for `silentMs`.
 */
export function supervise<T extends KubernetesObject>(
  informer: Informer<T>,
  stopped: () => boolean,
  silentMs: number,
  onError?: (err: unknown) => void,
): { touch: () => void; stop: () => void } {
  let last = Date.now();
  const touch = () => {
    last = Date.now();
  };
  informer.on('connect', touch);
  const restart = () => {
    if (stopped()) return;
    last = Date.now();
    void informer.start().catch(() => {});
  };
  informer.on('error', (err: unknown) => {
    onError?.(err);
    setTimeout(restart, 2000);
  });
  const watchdog = setInterval(
    () => {
      if (Date.now() - last < silentMs) return;
      void Promise.resolve(informer.stop()).then(restart);
    },
    Math.min(silentMs, 60_000),
  );
  watchdog.unref();
  return {
    touch,
    stop: () => {
      clearInterval(watchdog);
      void informer.stop();
    },
  };
}

export type K8s = typeof import('@kubernetes/client-node');

/**
 * An informer (list, then watch from the list's resourceVersion; re-listed on 410 Gone) whose watches
 * ask for bookmarks, so a quiet resource's resourceVersion stays fresh and a reconnect does not
 * re-list. Every watch event, bookmarks too, calls `alive`: the watchdog's proof of a live stream.
 * The watch is `boundedWatch` (a capped line, an unreadable event ends it with why).
 */
export function informerWithBookmarks<T extends KubernetesObject>(
  k8s: K8s,
  watch: ReturnType<typeof boundedWatch>,
  path: string,
  list: () => Promise<{ items: T[]; metadata?: { resourceVersion?: string } }>,
  alive: () => void,
): Informer<T> {
  const bookmarking = {
    watch: (
      p: string,
      query: Record<string, unknown>,
      callback: (phase: string, obj: unknown, watchObj?: unknown) => void,
      done: (err: unknown) => void,
    ) =>
      watch.watch(
        p,
        { ...query, allowWatchBookmarks: true },
        (phase, obj, watchObj) => {
          alive();
          callback(phase, obj, watchObj);
        },
        done,
      ),
  } as unknown as InstanceType<K8s['Watch']>;
  return new k8s.ListWatch<T>(path, bookmarking, list as never, false);
}
