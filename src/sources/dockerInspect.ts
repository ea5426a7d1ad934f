import { composeOrigin } from '../model/deployKind';
import type { ContainerState, ContainerStatus, HealthState } from '../model/sourceEvents';
import { sanitize } from '../text/sanitize';
import { imageVersion } from './mappings/imageReference';

export interface InspectResult {
  Id: string;
  Name: string;
  RestartCount: number;
  /** The image's content id. */
  Image?: string;
  Config: { Image: string; Labels?: Record<string, string> | null };
  State: {
    Status: string;
    ExitCode: number;
    StartedAt: string;
    OOMKilled?: boolean;
    Health?: { Status: string; FailingStreak: number };
  };
}

const STATES: Record<string, ContainerState> = {
  running: 'running',
  restarting: 'restarting',
  exited: 'exited',
  dead: 'exited',
  created: 'stopped',
  paused: 'stopped',
  removing: 'stopped',
};

/** Labels are the container's author's text: sanitized before anything shows or runs them. */
function sanitizedLabels(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, sanitize(String(v))]));
}

/** An inspect document as the status pane's container. */
export function containerFromInspect(host: string, c: InspectResult): ContainerStatus {
  const name = c.Name.replace(/^\//, '');
  const labels = c.Config.Labels ?? {};
  const image = c.Config.Image;
  // A reference that is not one (an image id, `sha256:…`) reads as unknown rather than as a tag.
  const tag = labels['org.opencontainers.image.version'] ?? imageVersion(image) ?? 'unknown';
  const state = STATES[c.State.Status] ?? 'unknown';
  const health = (c.State.Health?.Status ?? 'none') as HealthState;
  const project = labels['com.docker.compose.project'];
  const service = labels['com.docker.compose.service'];
  const deployedBy = composeOrigin(sanitize(name), sanitizedLabels(labels));
  return {
    id: `${host}/${name}`,
    name: sanitize(name),
    host,
    kind: 'docker',
    state,
    health: ['healthy', 'unhealthy', 'starting'].includes(health) ? health : 'none',
    ...(c.State.Health && { healthFailingStreak: c.State.Health.FailingStreak }),
    version: sanitize(tag),
    image: sanitize(image),
    ...(c.Image && { imageId: sanitize(c.Image) }),
    restarts: c.RestartCount,
    ...(state === 'running' && { startedAt: Date.parse(c.State.StartedAt) }),
    ...(state !== 'running' && { exitCode: c.State.ExitCode }),
    ...(project && service && { compose: { project: sanitize(project), service: sanitize(service) } }),
    ...(c.State.OOMKilled && { oomKilled: true }),
    ...(deployedBy && { deployedBy }),
  };
}
