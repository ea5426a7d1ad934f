import { ChannelUrlError, channelUrl } from '../config/notifySchema';
import { deliver, proxyProblem } from '../notify/delivery';
import { payloadFor } from '../notify/platformPayloads';
import { sanitize } from '../text/sanitize';
import { UserError } from '../userError';
import type { Command } from './commands';
import { pickEnvironment } from './environment';
import { stdout } from './output';

const USAGE = 'opsconsole notify test CHANNEL [--env E]';

export const notifyCommand: Command = {
  name: 'notify',
  summary: 'Send a test message to a chat channel of the config, and say what the platform answered.',
  usage: USAGE,
  details: [
    "CHANNEL is a name under the environment's notify: section. The message is sent as incident",
    "updates are (the platform's payload, its limits, the proxy settings HTTPS_PROXY, HTTP_PROXY and",
    'NO_PROXY), once, and not journaled. The URL is never printed.',
    '',
    'Exit status: 0 the platform took it, 1 it did not (its answer is printed), 2 usage or config.',
  ],
  options: { env: { type: 'string' } },
  allowPositionals: true,
  async run({ values, positionals }, globals) {
    const [verb, name, ...extra] = positionals;
    if (verb !== 'test' || !name || extra.length > 0)
      throw new UserError(
        `opsconsole notify: usage: ${USAGE}${verb && verb !== 'test' ? `\n  "${sanitize(verb)}" is not test` : ''}`,
      );
    const { findConfig, loadConfigFile } = await import('../config/load');
    const path = findConfig(globals.config);
    if (!path)
      throw new UserError(
        'opsconsole notify: no config file, so no channels\n  fix: add notify: to an environment of opsconsole.yaml (see README)',
      );
    const [envName, env] = pickEnvironment(
      loadConfigFile(path),
      typeof values.env === 'string' ? values.env : undefined,
    );
    const channel = env.notify[name];
    if (!channel) {
      const known = Object.keys(env.notify);
      throw new UserError(
        `opsconsole notify: no channel "${sanitize(name)}" in environment ${envName}${known.length > 0 ? `; defined: ${known.join(', ')}` : '; it has no notify: section'}`,
      );
    }
    let url: string;
    try {
      url = channelUrl(name, channel);
    } catch (err) {
      if (err instanceof ChannelUrlError) throw new UserError(`opsconsole notify: ${err.message}`);
      throw err;
    }
    const proxy = proxyProblem();
    if (proxy) throw new UserError(`opsconsole notify: ${proxy}`);
    const now = Date.now();
    const id = `test-${now}`;
    const outcome = await deliver(
      channel.kind,
      url,
      payloadFor(channel.kind, {
        id,
        incidentId: 'test',
        event: 'test',
        at: now,
        title: `opsconsole test message (${envName})`,
        severity: 'P3',
        status: 'test',
        headline: `A test of the channel ${name}: incident updates will look like this.`,
        lines: [],
        fields: [['Environment', envName]],
      }),
      { id, maxAttempts: 1 },
    );
    const status = outcome.status !== undefined ? `HTTP ${outcome.status}` : undefined;
    const answer =
      status && outcome.detail !== status ? `${status}: ${outcome.detail}` : (status ?? outcome.detail);
    stdout.line(`${name} (${channel.kind}): ${outcome.delivered ? 'taken' : 'not taken'}, ${answer}`);
    return outcome.delivered ? 0 : 1;
  },
};
