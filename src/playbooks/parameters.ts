import { type ParameterSpec, type PlaybookNode, stepTemplate } from './schema';

/** Parameters every playbook may use without declaring them. */
export const BUILTIN_PARAMETERS = ['host', 'opsconsole'] as const;

const TEMPLATE = /\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g;

const TYPE_PATTERNS: Record<Exclude<ParameterSpec['type'], 'text'>, { re: RegExp; expected: string }> = {
  service: {
    re: /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/,
    expected: 'a service name (letters, digits, ".", "_", "-")',
  },
  version: { re: /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/, expected: 'a version or tag such as v1.4.2' },
  host: { re: /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, expected: 'a host name from the config' },
  integer: { re: /^-?\d{1,12}$/, expected: 'a whole number' },
};

export class ParameterError extends Error {}

/** Names used in `{{name}}` templates within a text. */
export function templateNames(text: string): string[] {
  return [...text.matchAll(TEMPLATE)].map((m) => m[1] as string);
}

/**
 * Checks a value against its parameter's type. Free text may hold anything but NUL (which no argv
 * can carry): it is passed as one argument, never through a shell, so it needs no escaping here.
 */
export function validateParameter(name: string, spec: ParameterSpec, value: string): string {
  if (value.includes('\u0000'))
    throw new ParameterError(`${name}: a NUL byte cannot be passed as an argument`);
  if (spec.type === 'text') {
    if (spec.pattern && !new RegExp(spec.pattern).test(value)) {
      throw new ParameterError(`${name}: "${value}" does not match ${spec.pattern}`);
    }
    return value;
  }
  const { re, expected } = TYPE_PATTERNS[spec.type];
  if (!re.test(value)) throw new ParameterError(`${name}: expected ${expected}, got "${value}"`);
  return value;
}

/** Fills `{{name}}` in each argv element; a value never splits or joins elements. */
export function renderArgv(argv: string[], values: Record<string, string>): string[] {
  return argv.map((element) => renderText(element, values));
}

export function renderText(text: string, values: Record<string, string>): string {
  return text.replace(TEMPLATE, (_, name: string) => {
    const v = values[name];
    if (v === undefined) throw new ParameterError(`parameter "${name}" has no value`);
    return v;
  });
}

/** Fills the `{{name}}` it has values for, keeping the others as written: for titles, never argv. */
export function renderKnown(
  text: string,
  values: Record<string, string>,
  encode: (value: string) => string = (v) => v,
): string {
  return text.replace(TEMPLATE, (all, name: string) => {
    const v = values[name];
    return v === undefined ? all : encode(v);
  });
}

/** Parameters a text needs that have no value yet. */
export function missingParameters(texts: string[], values: Record<string, string>): string[] {
  return [...new Set(texts.flatMap(templateNames))].filter((n) => values[n] === undefined);
}

export interface StepPlan {
  argv: string[];
  host: string;
  missing: string[];
}

/** Argv and host of a command step with its parameters filled, or its templates and the names missing. */
export function planStep(node: PlaybookNode, values: Record<string, string>): StepPlan | undefined {
  const template = stepTemplate(node);
  if (!template) return undefined;
  const { argv, host } = template;
  const missing = missingParameters([...argv, host], values);
  if (missing.length > 0) return { argv, host, missing };
  return { argv: renderArgv(argv, values), host: renderText(host, values), missing };
}
