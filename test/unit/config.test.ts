import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load';
import { UserError } from '../../src/userError';

const dir = mkdtempSync(join(tmpdir(), 'oc-config-'));
let n = 0;

function write(text: string): string {
  const file = join(dir, `config-${n++}.yaml`);
  writeFileSync(file, text);
  return file;
}

function errorOf(text: string): UserError {
  const file = write(text);
  try {
    loadConfigFile(file);
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).exitCode).toBe(2);
    expect((err as UserError).message).toContain(file);
    expect((err as UserError).message).not.toMatch(/\n\s+at /); // no stack trace
    return err as UserError;
  }
  throw new Error('expected the config to be rejected');
}

const VALID = `
defaultEnvironment: prod
environments:
  prod:
    hosts:
      web-1: { ssh: deploy@10.0.0.5:2222, identityFile: ~/.ssh/id_ed25519 }
      bastion: { ssh: ops@bastion.example.com }
    services:
      api:
        host: web-1
        container: api
        logs:
          - { file: /var/log/api.log }
          - { command: [kubectl, logs, -f, deploy/api] }
        metrics: { scrape: "http://10.0.0.5:8080/metrics" }
        health: ["http://10.0.0.5:8080/health"]
thresholds:
  critical: { above: 0.05, for: 2m }
`;

describe('config', () => {
  it('accepts a full valid config and fills defaults', () => {
    const { config } = loadConfigFile(write(VALID));
    expect(config.thresholds.critical).toEqual({ above: 0.05, for: 120_000 });
    expect(config.thresholds.warning).toEqual({ above: 0.01, for: 300_000 });
    expect(config.environments.prod?.services.api?.logs).toHaveLength(2);
    expect(config.environments.prod?.hosts['web-1']?.agent).toBe(true);
  });

  // Each case: the YAML, the line the message must point at, the field, and a phrase it must say.
  const cases: [string, string, number | undefined, string, RegExp][] = [
    ['YAML syntax error', 'environments:\n  prod:\n    services: {api: [}\n', 3, '', /YAML syntax/],
    ['duplicate key', 'environments:\n  a: {services: {}}\n  a: {services: {}}\n', 3, '', /YAML syntax/],
    ['empty file', '', undefined, '', /empty/],
    ['not a mapping', '- a\n- b\n', 1, '', /expected object, got a list/],
    ['missing environments', 'stateDir: /tmp/x\n', 1, 'environments', /missing required field/],
    [
      'unknown top-level key with suggestion',
      'environment:\n  x: 1\nenvironments: {}\n',
      1,
      'environment',
      /did you mean "environments"/,
    ],
    ['no environments', 'environments: {}\n', 1, 'environments', /at least one environment/],
    [
      'bad ssh target',
      'environments:\n  p:\n    hosts:\n      h: { ssh: "root@@box" }\n    services: {}\n',
      4,
      'environments.p.hosts.h.ssh',
      /user@host/,
    ],
    [
      'service on unknown host',
      'environments:\n  p:\n    services:\n      api: { host: web-9 }\n',
      4,
      'environments.p.services.api.host',
      /no host named "web-9"/,
    ],
    [
      'jump to unknown host',
      'environments:\n  p:\n    hosts:\n      a: { ssh: u@a, jump: nowhere }\n    services: {}\n',
      4,
      'environments.p.hosts.a.jump',
      /jump host "nowhere"/,
    ],
    [
      'bad duration',
      'environments:\n  p: {services: {}}\nthresholds:\n  critical: { above: 0.05, for: 2 minutes }\n',
      4,
      'thresholds.critical.for',
      /duration such as 90s/,
    ],
    [
      'ratio given as percent',
      'environments:\n  p: {services: {}}\nthresholds:\n  warning: { above: 5, for: 5m }\n',
      4,
      'thresholds.warning.above',
      /ratio between 0 and 1/,
    ],
    [
      'log source of unknown kind',
      'environments:\n  p:\n    services:\n      api:\n        logs:\n          - { syslog: x }\n',
      6,
      'environments.p.services.api.logs[0]',
      /\{file: PATH\}/,
    ],
    [
      'command not a list',
      'environments:\n  p:\n    services:\n      api:\n        logs:\n          - { command: "kubectl logs" }\n',
      6,
      'environments.p.services.api.logs[0]',
      /expected one of/,
    ],
    [
      'health URL not http',
      'environments:\n  p:\n    services:\n      api: { health: ["ftp://x/health"] }\n',
      4,
      'environments.p.services.api.health[0]',
      /http:\/\/ or https:\/\//,
    ],
    [
      'wrong type for a list',
      'environments:\n  p:\n    services:\n      api: { health: "http://x/health" }\n',
      4,
      'environments.p.services.api.health',
      /expected array/,
    ],
    [
      'log store budget below 1MiB',
      'environments:\n  p:\n    services: {}\n    logStore: { budget: 1KiB }\n',
      4,
      'environments.p.logStore.budget',
      /at least 1MiB/,
    ],
    [
      'log store budget negative',
      'environments:\n  p:\n    services: {}\n    logStore: { budget: -1 }\n',
      4,
      'environments.p.logStore.budget',
      /a size such as 500MiB/,
    ],
    [
      'default environment missing',
      'defaultEnvironment: staging\nenvironments:\n  p: {services: {}}\n',
      1,
      'defaultEnvironment',
      /no environment named "staging"/,
    ],
    [
      'bad environment name',
      'environments:\n  "bad name!": {services: {}}\n',
      2,
      'environments.bad name!',
      /expected a name/,
    ],
    [
      'misspelled host field',
      'environments:\n  p:\n    hosts:\n      h: { sshh: u@h }\n    services: {}\n',
      4,
      'environments.p.hosts.h.sshh',
      /did you mean "ssh"/,
    ],
    [
      'metrics without kind',
      'environments:\n  p:\n    services:\n      api: { metrics: { url: "http://x" } }\n',
      4,
      'environments.p.services.api.metrics',
      /\{scrape: URL\}/,
    ],
  ];

  it.each(cases)('rejects %s with file, line, field and expectation', (_name, yaml, line, field, phrase) => {
    const err = errorOf(yaml);
    if (line !== undefined) expect(err.message).toMatch(new RegExp(`\\.yaml:${line}:\\d+`));
    if (field) expect(err.message).toContain(`field:    ${field}`);
    expect(err.message).toMatch(phrase);
  });

  it('keeps hostile text in a config error inert', () => {
    const err = errorOf(
      'environments:\n  p:\n    hosts:\n      h: { ssh: "\u001b]0;pwn\u0007x" }\n    services: {}\n',
    );
    expect(err.message).not.toContain('\u001b');
  });

  it('reports a misspelled required key as unknown, with the key it meant, before the missing one', () => {
    const err = errorOf('environments:\n  p:\n    servcies: {}\n');
    expect(err.message).toMatch(/\.yaml:3:\d+/);
    expect(err.message).toContain('field:    environments.p.servcies');
    expect(err.message).toContain('problem:  unknown field "servcies"');
    expect(err.message).toMatch(/did you mean "services"\?/);
    // The file's other problems are named too, by line and field, not counted.
    expect(err.message).toContain(
      '  and 1 more in this file:\n    line 3: environments.p.services: missing required field',
    );
  });

  it('names a missing field of a union as missing, not as "got undefined"', () => {
    const err = errorOf('environments:\n  p: { services: {} }\nthresholds:\n  critical: { above: 0.05 }\n');
    expect(err.message).toContain('field:    thresholds.critical.for');
    expect(err.message).toContain('problem:  missing required field');
    expect(err.message).not.toContain('undefined');
  });
});
