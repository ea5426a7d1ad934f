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

/**
 * The result of an action a target carried out itself (an API call, not a process): it ran to its
 * end, so it neither timed out nor was cancelled, and its output is what it says it did.
 */
export function finishedAction(exitCode: number, output: string, startedAt: number): CommandResult {
  return {
    exitCode,
    durationMs: Date.now() - startedAt,
    output,
    outputBytes: Buffer.byteLength(output),
    timedOut: false,
    cancelled: false,
  };
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
