/** Running a command on a host: what playbook steps and command sources ask of a transport. */

export interface CommandResult {
  exitCode: number;
  durationMs: number;
  /** Combined stdout and stderr: sanitized, and only the last `OUTPUT_TAIL_BYTES` kept. */
  output: string;
  outputBytes: number;
  timedOut: boolean;
  cancelled: boolean;
}

export interface RunOptions {
  timeoutMs: number;
  /** How much output to keep (the tail); default OUTPUT_TAIL_BYTES. */
  maxOutputBytes?: number;
  signal?: AbortSignal;
  onOutput?: (chunk: string) => void;
}

/** Runs an argv on one host; local and SSH transports implement it. */
export interface CommandTarget {
  readonly name: string;
  run(argv: string[], options: RunOptions): Promise<CommandResult>;
}
