import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { NOTIFY_EVENTS, NOTIFY_KINDS } from '../model/notify';

/**
 * A chat channel incident updates go to. Its URL is a secret (anyone holding a webhook URL can post
 * there): it comes from an environment variable or a file, never from the YAML itself.
 */
export const NotifyChannelSchema = z
  .strictObject({
    kind: z.enum(NOTIFY_KINDS, { message: `expected one of ${NOTIFY_KINDS.join(', ')}` }),
    urlEnv: z.string().min(1).optional(),
    urlFile: z.string().min(1).optional(),
    /** What it is told; every event but the test message by default. */
    events: z
      .array(z.enum(NOTIFY_EVENTS, { message: `expected one of ${NOTIFY_EVENTS.join(', ')}` }))
      .min(1, { message: 'expected at least one event; leave events out for all of them' })
      .optional(),
    /** Say how to join (`opsconsole attach user@host`): it names this bastion, so it is off by default. */
    links: z.boolean().default(false),
  })
  .refine((c) => (c.urlEnv === undefined) !== (c.urlFile === undefined), {
    message: 'expected exactly one of urlEnv (an environment variable) or urlFile (a file) holding the URL',
  });

export type NotifyChannel = z.infer<typeof NotifyChannelSchema>;

export class ChannelUrlError extends Error {}

/**
 * The channel's URL, read from where the config says, checked to be http(s); throws what is wrong
 * and how to fix it. Never printed: callers say which variable or file, not its value.
 */
export function channelUrl(name: string, c: NotifyChannel, env = process.env): string {
  let text: string | undefined;
  if (c.urlEnv) {
    text = env[c.urlEnv];
    if (!text)
      throw new ChannelUrlError(
        `channel ${name}: $${c.urlEnv} is not set\n  fix: export ${c.urlEnv}=<the webhook URL>`,
      );
  } else if (c.urlFile) {
    try {
      text = readFileSync(c.urlFile, 'utf8');
    } catch (err) {
      throw new ChannelUrlError(
        `channel ${name}: ${c.urlFile} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})\n  fix: put the webhook URL in it, readable by you only (chmod 600)`,
      );
    }
  }
  const url = (text ?? '').trim();
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ChannelUrlError(
      `channel ${name}: ${c.urlEnv ? `$${c.urlEnv}` : c.urlFile} does not hold a URL`,
    );
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new ChannelUrlError(
      `channel ${name}: the URL must be https:// (or http://), not ${parsed.protocol}`,
    );
  return url;
}
