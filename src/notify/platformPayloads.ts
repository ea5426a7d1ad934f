import type { IncidentMessage, NotifyKind } from '../model/notify';

/**
 * Each platform's documented limits, in characters: Slack's header block (150), section text
 * (3,000), fields (10 of 2,000) and message text (40,000); Mattermost's post (16,383); Discord's
 * content (2,000) and embed (title 256, description 4,096, 25 fields of 256/1,024, 6,000 in all);
 * Teams' webhook payload (28 KB).
 */
export const LIMITS = {
  slack: { header: 150, section: 3000, fields: 10, field: 2000, text: 40_000 },
  mattermost: { text: 16_383 },
  discord: { title: 256, description: 4096, fields: 25, fieldName: 256, fieldValue: 1024, embed: 6000 },
  teams: { bytes: 28 * 1024 },
} as const;

const SEVERITY_COLOURS: Record<string, number> = { P0: 0x8b0000, P1: 0xd7263d, P2: 0xf49d37, P3: 0x3f88c5 };

/** At most `n` characters (code points), with an ellipsis when cut. */
export function cut(text: string, n: number): string {
  const chars = [...text];
  return chars.length <= n ? text : `${chars.slice(0, Math.max(0, n - 1)).join('')}…`;
}

/** Slack's mrkdwn: &, < and > escaped, so no text of ours becomes a link, a mention or `<!channel>`. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Markdown as Discord and Mattermost read it, made inert: its punctuation escaped, so no
 * text becomes a link or a heading, and `@` followed by a zero-width joiner, so `@channel`, `@here`
 * and `@all` notify no one.
 */
export function markdownEscape(text: string): string {
  return text.replace(/[\\`*_~[\]()#>|<]/g, '\\$&').replace(/@/g, '@\u2060');
}

function lines(m: IncidentMessage, inert: (t: string) => string): string[] {
  return [inert(m.headline), ...m.lines.map(inert)];
}

function slack(m: IncidentMessage) {
  const L = LIMITS.slack;
  const body = lines(m, slackEscape).join('\n');
  return {
    // The text is what notifications and clients without blocks show.
    text: cut(`${slackEscape(m.title)}: ${body}`, L.text),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: cut(m.title, L.header), emoji: false } },
      { type: 'section', text: { type: 'mrkdwn', text: cut(body, L.section) } },
      ...(m.fields.length > 0
        ? [
            {
              type: 'section',
              fields: m.fields.slice(0, L.fields).map(([k, v]) => ({
                type: 'mrkdwn',
                text: cut(`*${slackEscape(k)}*\n${slackEscape(v)}`, L.field),
              })),
            },
          ]
        : []),
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: cut(
              `${slackEscape(m.incidentId)} · ${m.event} · ${new Date(m.at).toISOString()}`,
              L.section,
            ),
          },
        ],
      },
    ],
    // Never unfurl a link someone's text carried.
    unfurl_links: false,
    unfurl_media: false,
  };
}

function mattermost(m: IncidentMessage) {
  const fields = m.fields.map(([k, v]) => `**${markdownEscape(k)}**: ${markdownEscape(v)}`);
  const text = [
    `#### ${markdownEscape(m.title)}`,
    ...lines(m, markdownEscape),
    ...fields,
    `_${markdownEscape(m.incidentId)} · ${m.event}_`,
  ].join('\n');
  return { text: cut(text, LIMITS.mattermost.text) };
}

function discord(m: IncidentMessage) {
  const L = LIMITS.discord;
  const title = cut(m.title, L.title);
  const description = cut(lines(m, markdownEscape).join('\n'), L.description);
  let budget = L.embed - [...title].length - [...description].length;
  const fields: { name: string; value: string; inline: boolean }[] = [];
  for (const [k, v] of m.fields.slice(0, L.fields)) {
    const name = cut(markdownEscape(k), L.fieldName);
    const value = cut(markdownEscape(v) || '-', L.fieldValue);
    const size = [...name].length + [...value].length;
    if (size > budget) break;
    budget -= size;
    fields.push({ name, value, inline: true });
  }
  return {
    embeds: [
      {
        title,
        description,
        fields,
        color: SEVERITY_COLOURS[m.severity] ?? 0x808080,
        timestamp: new Date(m.at).toISOString(),
        footer: { text: cut(`${m.incidentId} · ${m.event}`, 2048) },
      },
    ],
    // Nothing in the message may ping anyone, whatever it says.
    allowed_mentions: { parse: [] },
  };
}

/**
 * Teams reads a TextBlock's text as markdown and shows backslash escapes as they are, so our text
 * goes into TextRuns (in RichTextBlocks), which Adaptive Cards never read as markdown: inert as
 * written, nothing to escape. Mentions in Teams are entities, never text, so `@here` is just text.
 */
function teams(m: IncidentMessage) {
  const card = (body: unknown[]) => ({
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
        },
      },
    ],
  });
  const run = (text: string, style: Record<string, unknown> = {}) => ({ type: 'TextRun', text, ...style });
  const block = (...inlines: unknown[]) => ({ type: 'RichTextBlock', inlines });
  const blocks = [
    block(run(m.title, { weight: 'Bolder', size: 'Medium' })),
    ...[m.headline, ...m.lines].map((text) => block(run(text))),
    ...m.fields.map(([title, value]) => block(run(`${title}: `, { weight: 'Bolder' }), run(value))),
    block(run(`${m.incidentId} · ${m.event}`, { isSubtle: true, size: 'Small' })),
  ];
  // Over the size limit: the last lines go first, the title and the headline stay.
  let payload = card(blocks);
  for (
    let keep = blocks.length - 2;
    Buffer.byteLength(JSON.stringify(payload)) > LIMITS.teams.bytes && keep > 1;
    keep--
  )
    payload = card([...blocks.slice(0, keep), block(run('…'))]);
  return payload;
}

/** A generic JSON webhook: the message as data, for whatever receives it. */
function webhook(m: IncidentMessage) {
  return {
    id: m.id,
    incident: m.incidentId,
    event: m.event,
    at: new Date(m.at).toISOString(),
    title: m.title,
    severity: m.severity,
    status: m.status,
    text: [m.headline, ...m.lines].join('\n'),
    fields: Object.fromEntries(m.fields),
  };
}

const PAYLOADS: Record<NotifyKind, (m: IncidentMessage) => unknown> = {
  slack,
  mattermost,
  teams,
  discord,
  webhook,
};

/** The JSON body a platform takes for the message, within its limits, every text of ours inert. */
export function payloadFor(kind: NotifyKind, m: IncidentMessage): unknown {
  return PAYLOADS[kind](m);
}
