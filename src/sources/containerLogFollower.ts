import { type EventSink, type SourceEvent, serviceOf } from '../model/sourceEvents';
import { DockerLogSource } from './dockerLogSource';
import type { DockerDialer } from './dockerSource';
import type { ReadBack } from './readBack';

/**
 * Follows the logs of every running container a Docker source reports, starting a log stream when a
 * container appears and stopping it when the container goes away: what the console shows with no
 * configuration. Returns the sink to give the Docker source (it passes every event on) and a stop.
 */
export function followEveryContainer(
  dialer: DockerDialer,
  sink: EventSink,
  readBack?: ReadBack,
): { sink: EventSink; stop(): void } {
  const streams = new Map<string, DockerLogSource>();
  const tap = (event: SourceEvent) => {
    sink(event);
    if (event.type === 'container' && event.status.kind === 'docker' && event.status.state === 'running') {
      const { id, name } = event.status;
      if (streams.has(id)) return;
      const stream = new DockerLogSource(name, serviceOf(event.status), dialer, sink, {
        ...(readBack && { readBack }),
      });
      streams.set(id, stream);
      stream.start();
    } else if (event.type === 'container-removed') {
      streams.get(event.id)?.stop();
      streams.delete(event.id);
    }
  };
  return {
    sink: tap,
    stop() {
      for (const s of streams.values()) s.stop();
      streams.clear();
    },
  };
}
