import type { DetailEvent } from '../../model/podDetail';
import { sanitize } from '../../text/sanitize';
import { DETAIL_EVENTS } from './detailEvents';

/** One object of the Engine API's `GET /events` stream: the fields the describe view reads. */
export interface DockerEventLike {
  Type?: string;
  Action?: string;
  Actor?: { Attributes?: Record<string, string> };
  time?: number;
  timeNano?: number;
}

/** Actions an operator reads in a container's story; exec_* (every health check run) is noise. */
const TOLD = /^(create|start|restart|stop|kill|die|oom|pause|unpause|destroy|rename|health_status)\b/;

/** Linux's names for the signals a container is usually ended by. */
const SIGNALS: Record<string, string> = { '9': 'SIGKILL', '15': 'SIGTERM', '2': 'SIGINT', '6': 'SIGABRT' };

function toEvent(e: DockerEventLike): DetailEvent | undefined {
  const action = e.Action ?? '';
  if (e.Type !== 'container' || !TOLD.test(action)) return undefined;
  const attrs = e.Actor?.Attributes ?? {};
  const [reason = action, status] = action.split(': ');
  const exit = attrs.exitCode;
  const signal = attrs.signal;
  const message =
    reason === 'die'
      ? `exited ${exit ?? '?'}${exit === '137' ? ' (SIGKILL)' : exit === '143' ? ' (SIGTERM)' : ''}`
      : reason === 'kill'
        ? `sent ${SIGNALS[signal ?? ''] ?? `signal ${signal ?? '?'}`}`
        : reason === 'health_status'
          ? (status ?? '')
          : reason === 'oom'
            ? 'the kernel killed a process for memory'
            : '';
  const at = e.timeNano ? Math.floor(e.timeNano / 1e6) : (e.time ?? 0) * 1000;
  const warning =
    reason === 'oom' || reason === 'kill' || (reason === 'die' && exit !== '0') || status === 'unhealthy';
  return { at, warning, reason: sanitize(reason), message: sanitize(message), count: 1 };
}

/**
 * A container's engine events as the describe view lists them, oldest first: the lifecycle and
 * health changes, repeats in a row folded into one (a health check failing every second is one
 * line with its count), the newest `DETAIL_EVENTS`.
 */
export function dockerDetailEvents(events: readonly DockerEventLike[]): DetailEvent[] {
  const out: DetailEvent[] = [];
  for (const e of events) {
    const ev = toEvent(e);
    if (!ev) continue;
    const last = out.at(-1);
    if (last && last.reason === ev.reason && last.message === ev.message) {
      last.count++;
      last.at = ev.at;
    } else out.push(ev);
  }
  return out.slice(-DETAIL_EVENTS);
}
