import { z } from 'zod';

/**
 * What a recorded event must hold for the ingest to take it: a recording file may come from
 * anywhere, so each event is checked before it is played (the fields the reducers read; others
 * are passed through as they are). Text is made safe where it is shown, as live data is.
 */
const text = z.string().max(65_536);
const time = z.number().finite();
const labels = z.record(z.string(), z.string());
const alert = z.looseObject({
  fingerprint: text,
  name: text,
  state: z.enum(['firing', 'pending', 'silenced', 'inhibited']),
  severity: text,
  labels,
  annotations: labels,
  startsAt: time,
  silencedBy: z.array(text),
});
const container = z.looseObject({
  id: text,
  name: text,
  host: text,
  kind: z.enum(['process', 'docker', 'command', 'kubernetes']),
  state: z.enum(['running', 'starting', 'restarting', 'exited', 'stopped', 'unknown']),
  health: z.enum(['healthy', 'unhealthy', 'starting', 'none']),
  restarts: z.number().int().min(0),
  compose: z.looseObject({ project: text, service: text }).optional(),
});
const workload = z.looseObject({
  id: text,
  cluster: text,
  namespace: text,
  name: text,
  kind: z.enum(['Deployment', 'StatefulSet', 'DaemonSet']),
  desired: z.number(),
  ready: z.number(),
  updated: z.number(),
  available: z.number(),
  current: z.number(),
  generation: z.number(),
  observedGeneration: z.number(),
  paused: z.boolean(),
});

const EventSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('container'), status: container }),
  z.looseObject({ type: z.literal('container-removed'), id: text }),
  z.looseObject({ type: z.literal('workload'), status: workload }),
  z.looseObject({ type: z.literal('workload-removed'), id: text }),
  z.looseObject({
    type: z.literal('log-streams'),
    counts: z.looseObject({
      streaming: z.number(),
      wanted: z.number(),
      cap: z.number(),
      received: z.number(),
      shown: z.number(),
      duplicates: z.number(),
    }),
  }),
  z.looseObject({
    type: z.literal('cluster-event'),
    at: time,
    uid: text,
    namespace: text,
    object: text,
    reason: text,
    message: text,
    count: z.number(),
    warning: z.boolean(),
  }),
  z.looseObject({
    type: z.literal('counters'),
    service: text,
    at: time,
    total: z.number(),
    errors: z.number(),
  }),
  z.looseObject({ type: z.literal('counters-unknown'), service: text, at: time, reason: text }),
  z.looseObject({
    type: z.literal('health'),
    service: text,
    target: text,
    at: time,
    ok: z.boolean(),
    latencyMs: z.number(),
  }),
  z.looseObject({
    type: z.literal('source'),
    id: text,
    state: z.enum(['connecting', 'connected', 'reconnecting', 'failed', 'stopped']),
    at: time,
  }),
  z.looseObject({ type: z.literal('alerts'), at: time, alerts: z.array(alert).max(100_000) }),
  z.looseObject({ type: z.literal('alerts-unknown'), at: time, reason: text }),
  z.looseObject({
    type: z.literal('alert-rules'),
    at: time,
    rules: z
      .array(
        z.looseObject({
          name: text,
          group: text,
          query: text,
          forMs: z.number(),
          state: z.enum(['inactive', 'pending', 'firing']),
          labels,
          annotations: labels,
        }),
      )
      .max(100_000),
    alerts: z.array(alert).max(100_000),
  }),
  z.looseObject({ type: z.literal('alert-rules-unknown'), at: time, reason: text }),
  z.looseObject({ type: z.literal('version'), service: text, reporter: text, version: text, at: time }),
  z.looseObject({
    type: z.literal('release'),
    service: text,
    host: text,
    from: text.optional(),
    to: text,
    at: time,
    reason: text,
  }),
]);

/** A recorded event whose shape the ingest can take: `{ t, e }`. */
export const RecordedEventSchema = z.strictObject({ t: time, e: EventSchema });
