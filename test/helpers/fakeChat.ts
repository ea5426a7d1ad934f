import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/**
 * A FAKE chat receiver: Slack, Mattermost, Teams and Discord cannot run here. One HTTP server takes
 * each platform's incoming webhook at `/PLATFORM/...`, checks the payload against the platform's
 * documented schema and limits, and answers as the platform does: Slack and Mattermost `200 ok`
 * (Slack `400 invalid_blocks` for a bad block), Discord `204`, Teams `202`, the generic webhook
 * `200`. A script of answers per platform can make it refuse with 429 and Retry-After, fail with
 * 5xx, or never answer. Only payloads it accepted are kept, in the order they came.
 */
type Platform = 'slack' | 'mattermost' | 'teams' | 'discord' | 'webhook';
type Scripted = { status: number; body?: string; headers?: Record<string, string> } | 'hang';

const chars = (s: unknown) => (typeof s === 'string' ? [...s].length : 0);

/** Why a payload is not one the platform takes, or undefined when it is. */
export function invalid(platform: Platform, p: Record<string, unknown>): string | undefined {
  if (platform === 'slack') {
    if (typeof p.text !== 'string' || chars(p.text) > 40_000) return 'no_text';
    const blocks = (p.blocks ?? []) as Record<string, unknown>[];
    if (!Array.isArray(blocks) || blocks.length > 50) return 'invalid_blocks';
    for (const b of blocks) {
      const text = b.text as { type?: string; text?: string } | undefined;
      if (
        b.type === 'header' &&
        (text?.type !== 'plain_text' || chars(text.text) > 150 || chars(text.text) < 1)
      )
        return 'invalid_blocks';
      if (b.type === 'section') {
        if (text && (chars(text.text) > 3000 || !['mrkdwn', 'plain_text'].includes(text.type ?? '')))
          return 'invalid_blocks';
        const fields = b.fields as { text?: string }[] | undefined;
        if (fields && (fields.length > 10 || fields.some((f) => chars(f.text) > 2000)))
          return 'invalid_blocks';
        if (!text && !fields) return 'invalid_blocks';
      }
      if (!['header', 'section', 'context', 'divider'].includes(String(b.type))) return 'invalid_blocks';
    }
    return undefined;
  }
  if (platform === 'mattermost')
    return typeof p.text === 'string' && chars(p.text) <= 16_383 ? undefined : 'bad text';
  if (platform === 'discord') {
    if (p.content !== undefined && chars(p.content) > 2000) return 'content over 2000';
    const embeds = (p.embeds ?? []) as Record<string, unknown>[];
    if (!p.content && embeds.length === 0) return 'Cannot send an empty message';
    if (embeds.length > 10) return 'too many embeds';
    for (const e of embeds) {
      const fields = (e.fields ?? []) as { name?: string; value?: string }[];
      if (chars(e.title) > 256 || chars(e.description) > 4096 || fields.length > 25)
        return 'embed over its limits';
      if (fields.some((f) => chars(f.name) > 256 || chars(f.value) > 1024 || !f.name || !f.value))
        return 'field over its limits';
      const total =
        chars(e.title) +
        chars(e.description) +
        fields.reduce((n, f) => n + chars(f.name) + chars(f.value), 0) +
        chars((e.footer as { text?: string })?.text);
      if (total > 6000) return 'embeds over 6000 characters';
    }
    const mentions = p.allowed_mentions as { parse?: unknown } | undefined;
    if (mentions && !Array.isArray(mentions.parse)) return 'allowed_mentions.parse must be a list';
    return undefined;
  }
  if (platform === 'teams') {
    const att = (p.attachments ?? []) as { contentType?: string; content?: Record<string, unknown> }[];
    if (p.type !== 'message' || att.length !== 1) return 'expected a message with one attachment';
    const card = att[0]?.content;
    if (att[0]?.contentType !== 'application/vnd.microsoft.card.adaptive' || card?.type !== 'AdaptiveCard')
      return 'expected an Adaptive Card';
    if (typeof card.version !== 'string' || !Array.isArray(card.body)) return 'card without version or body';
    for (const b of card.body as { type?: string; text?: unknown; inlines?: unknown }[]) {
      if (!['TextBlock', 'RichTextBlock', 'FactSet', 'Container'].includes(String(b.type)))
        return `unknown element ${String(b.type)}`;
      if (b.type === 'TextBlock' && typeof b.text !== 'string') return 'TextBlock without text';
      if (b.type === 'RichTextBlock') {
        const inlines = b.inlines as { type?: string; text?: unknown }[] | undefined;
        if (!Array.isArray(inlines) || inlines.length === 0) return 'RichTextBlock without inlines';
        if (inlines.some((i) => i.type !== 'TextRun' || typeof i.text !== 'string'))
          return 'RichTextBlock inline is not a TextRun with text';
      }
    }
    return Buffer.byteLength(JSON.stringify(p)) > 28 * 1024 ? 'over 28 KB' : undefined;
  }
  return undefined;
}

const ANSWER: Record<Platform, { status: number; body: string }> = {
  slack: { status: 200, body: 'ok' },
  mattermost: { status: 200, body: 'ok' },
  discord: { status: 204, body: '' },
  teams: { status: 202, body: '' },
  webhook: { status: 200, body: '{"ok":true}' },
};

export class FakeChat {
  private server: Server | undefined;
  url = '';
  /** Payloads accepted, in order, with their platform and headers. */
  readonly received: {
    platform: Platform;
    payload: Record<string, unknown>;
    headers: IncomingMessage['headers'];
  }[] = [];
  /** Every request, accepted or not: how many tries a message took. */
  readonly requests: { platform: Platform; status: number | 'hang' }[] = [];
  private readonly scripts = new Map<Platform, Scripted[]>();
  private readonly hanging = new Set<ServerResponse>();

  /** The next answers of a platform, in order; after them it answers as the platform does. */
  script(platform: Platform, ...answers: Scripted[]): void {
    this.scripts.set(platform, [...(this.scripts.get(platform) ?? []), ...answers]);
  }

  /** Over HTTPS when given a key and certificate (as every real platform is), else plain HTTP. */
  async start(tls?: { key: string; cert: string }): Promise<void> {
    const handler = (req: IncomingMessage, res: ServerResponse) => this.handle(req, res);
    this.server = tls ? createHttpsServer(tls, handler) : createServer(handler);
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', () => r()));
    this.url = `${tls ? 'https' : 'http'}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const r of this.hanging) r.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const platform = (req.url ?? '').split('/')[1] as Platform;
    let body = '';
    req.on('data', (d: Buffer) => {
      body += d.toString();
    });
    req.on('end', () => {
      const next = this.scripts.get(platform)?.shift();
      if (next === 'hang') {
        this.requests.push({ platform, status: 'hang' });
        this.hanging.add(res);
        return;
      }
      if (next) {
        this.requests.push({ platform, status: next.status });
        res.writeHead(next.status, next.headers);
        return void res.end(next.body ?? '');
      }
      if (!(platform in ANSWER) || req.method !== 'POST') {
        this.requests.push({ platform, status: 404 });
        res.writeHead(404);
        return void res.end('no_service');
      }
      let payload: Record<string, unknown>;
      try {
        payload = JSON.parse(body);
      } catch {
        this.requests.push({ platform, status: 400 });
        res.writeHead(400);
        return void res.end('invalid_payload');
      }
      const why = invalid(platform, payload);
      if (why) {
        this.requests.push({ platform, status: 400 });
        res.writeHead(400);
        return void res.end(platform === 'discord' ? JSON.stringify({ message: why, code: 50006 }) : why);
      }
      this.requests.push({ platform, status: ANSWER[platform].status });
      this.received.push({ platform, payload, headers: req.headers });
      res.writeHead(ANSWER[platform].status);
      res.end(ANSWER[platform].body);
    });
  }
}
