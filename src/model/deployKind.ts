/**
 * How a service is deployed, which decides how it rolls back: the emergency rollback has a variant
 * of its steps for each kind.
 */
export const DEPLOY_KINDS = ['compose', 'retag', 'kubectl', 'kubernetes', 'dokku', 'pm2', 'demo'] as const;
export type DeployKind = (typeof DEPLOY_KINDS)[number];

/** What a source saw of a container's deployment: its kind, what showed it, the rollback's parameters. */
export interface DeployOrigin {
  kind: DeployKind;
  /** In words, for the record: "compose labels of shop-api-1". */
  evidence: string;
  /** Parameters of the kind's rollback steps (composeDir, composeFiles, appDir...). */
  params: Record<string, string>;
}

/** docker compose's labels as a deployment: its project, directory and files (`-f` order kept). */
export function composeOrigin(container: string, labels: Record<string, string>): DeployOrigin | undefined {
  const project = labels['com.docker.compose.project'];
  if (!project || !labels['com.docker.compose.service']) return undefined;
  const dir = labels['com.docker.compose.project.working_dir'];
  // Compose writes the files comma-separated; COMPOSE_FILE takes them colon-separated.
  const files = labels['com.docker.compose.project.config_files']
    ?.split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  return {
    kind: 'compose',
    evidence: `compose labels of ${container}`,
    params: {
      composeProject: project,
      ...(dir && { composeDir: dir }),
      ...(files && files.length > 0 && { composeFiles: files.join(':') }),
    },
  };
}
