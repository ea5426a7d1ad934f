// What a benchmark is, and what it gets to run: where things are, its settings (environment
// variables with defaults) and a place to record each figure with its unit for the JSON results.
import { join } from 'node:path';

/** `npm run bench` runs from the package's root. */
export const root = process.cwd();
export const bin = join(root, 'bin', 'opsconsole');
/** Scratch files and results, kept out of git. */
export const benchDir = join(root, '.bench');

export interface Figure {
  value: number;
  unit: string;
}

export interface BenchmarkResult {
  settings: Record<string, number>;
  figures: Record<string, Figure>;
  seconds: number;
  error?: string;
}

export interface Benchmark {
  /** The name BENCH_ONLY selects it by. */
  name: string;
  /** Environment variables it reads, with their defaults. */
  settings: Record<string, number>;
  run(bench: BenchRecorder): Promise<void>;
}

/** A mistake in how the bench was asked to run (BENCH_ONLY, a setting): exit 2. */
export class BenchUsageError extends Error {}

/** Reads a benchmark's settings from the environment; says which one is wrong and how to fix it. */
export function resolveSettings(benchmark: Benchmark): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, fallback] of Object.entries(benchmark.settings)) {
    const raw = process.env[name];
    const value = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isFinite(value) || value <= 0)
      throw new BenchUsageError(
        `${name}=${raw}: not a positive number (benchmark ${benchmark.name}).\n  fix: set ${name} to a number such as ${fallback}, or unset it.`,
      );
    out[name] = value;
  }
  return out;
}

/** One benchmark's run: its settings, and the figures it records as it prints them. */
export class BenchRecorder {
  readonly figures: Record<string, Figure> = {};

  constructor(
    readonly name: string,
    readonly settings: Record<string, number>,
  ) {}

  setting(name: string): number {
    const value = this.settings[name];
    if (value === undefined) throw new Error(`benchmark ${this.name} reads ${name} without declaring it`);
    return value;
  }

  /** Records a figure; NaN (nothing measured) is kept as null in the JSON. */
  figure(name: string, value: number, unit: string): void {
    this.figures[name] = { value: Number(value.toPrecision(6)), unit };
  }
}
