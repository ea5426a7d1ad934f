/**
 * Removes credentials from text before it is journaled or exported. The families follow gitleaks'
 * rule set (provider tokens recognised by their fixed prefixes and shapes, then credentials named
 * by a key, a flag or a URL); the code is our own, because we redact in place rather than report.
 *
 * Every pattern is a sequence of bounded character classes with no nested or overlapping
 * quantifiers and no unbounded run before a literal, so matching stays linear in the line length
 * (a 1 MiB adversarial line takes milliseconds, never catastrophic backtracking).
 */

const MARK = '[REDACTED]';

/** Provider tokens: the prefix says what it is, so the whole token goes. */
const TOKENS: [RegExp, string][] = [
  // AWS access key ids.
  [/\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}\b/g, 'aws-key'],
  // GitHub personal, OAuth, app user/server and refresh tokens; fine-grained PATs.
  [/\bgh[opsur]_[A-Za-z0-9]{36,255}\b/g, 'github-token'],
  [/\bgithub_pat_[A-Za-z0-9_]{22,255}\b/g, 'github-token'],
  // GitLab personal, deploy, runner, pipeline trigger, CI job, feed, OAuth tokens.
  [/\bgl(?:pat|dt|rt|ptt|cbt|ft|oas|soat|imt|agent)-[A-Za-z0-9_-]{20,64}(?![A-Za-z0-9_-])/g, 'gitlab-token'],
  [/\bGR1348941[A-Za-z0-9_-]{20,40}(?![A-Za-z0-9_-])/g, 'gitlab-token'],
  // Slack bot, user, app-level, config tokens and webhook URLs.
  [/\bxox[abeoprs]-[A-Za-z0-9-]{10,250}/g, 'slack-token'],
  [/\bxapp-\d-[A-Z0-9]{6,20}-\d{6,20}-[a-f0-9]{20,80}\b/g, 'slack-token'],
  [/https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9+/_-]{20,200}/g, 'slack-webhook'],
  // Stripe secret, restricted and webhook keys.
  [/\b(?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{10,247}\b/g, 'stripe-key'],
  [/\bwhsec_[A-Za-z0-9]{24,64}\b/g, 'stripe-key'],
  // Google API keys, OAuth client secrets and access tokens.
  [/\bAIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/g, 'google-key'],
  [/\bGOCSPX-[A-Za-z0-9_-]{28}(?![A-Za-z0-9_-])/g, 'google-secret'],
  [/\bya29\.[A-Za-z0-9_-]{20,2048}/g, 'google-token'],
  // npm, PyPI, Docker Hub, RubyGems.
  [/\bnpm_[A-Za-z0-9]{36}\b/g, 'npm-token'],
  [/\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,1000}/g, 'pypi-token'],
  [/\bdckr_pat_[A-Za-z0-9_-]{27,64}(?![A-Za-z0-9_-])/g, 'docker-token'],
  [/\brubygems_[a-f0-9]{48}\b/g, 'rubygems-token'],
  // SendGrid, Mailgun, Mailchimp.
  [/\bSG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}\b/g, 'sendgrid-key'],
  [/\bkey-[a-z0-9]{32}\b/g, 'mailgun-key'],
  [/\b[a-f0-9]{32}-us\d{1,2}\b/g, 'mailchimp-key'],
  // Twilio API keys and account SIDs.
  [/\b(?:SK|AC)[a-f0-9]{32}\b/g, 'twilio-key'],
  // OpenAI and Anthropic API keys.
  [/\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,200}T3BlbkFJ[A-Za-z0-9_-]{20,200}/g, 'openai-key'],
  [/\bsk-proj-[A-Za-z0-9_-]{40,300}/g, 'openai-key'],
  [/\bsk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{80,120}/g, 'anthropic-key'],
  // HashiCorp Vault, Terraform Cloud, DigitalOcean, Shopify, Databricks, Doppler, Pulumi, Postman.
  [/\bhv[sbr]\.[A-Za-z0-9_-]{24,200}/g, 'vault-token'],
  [/\b[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,100}/g, 'terraform-token'],
  [/\bdo[opr]_v1_[a-f0-9]{64}\b/g, 'digitalocean-token'],
  [/\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b/g, 'shopify-token'],
  [/\bdapi[a-f0-9]{32}(?:-\d)?\b/g, 'databricks-token'],
  [/\bdp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44}\b/g, 'doppler-token'],
  [/\bpul-[a-f0-9]{40}\b/g, 'pulumi-token'],
  [/\bPMAK-[a-f0-9]{24}-[a-f0-9]{34}\b/g, 'postman-key'],
  // Grafana, New Relic, Sentry, Atlassian, Linear, Heroku, age.
  [/\bglc_[A-Za-z0-9+/]{32,400}={0,2}/g, 'grafana-token'],
  [/\bglsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}\b/g, 'grafana-token'],
  [/\bNRAK-[A-Z0-9]{27}\b/g, 'newrelic-key'],
  [/\bsntry[su]_[A-Za-z0-9+/=_-]{40,400}/g, 'sentry-token'],
  [/\bATATT3[A-Za-z0-9_=-]{180,200}/g, 'atlassian-token'],
  [/\blin_api_[A-Za-z0-9]{40}\b/g, 'linear-key'],
  [/\bHRKU-[A-Za-z0-9_-]{20,80}/g, 'heroku-key'],
  [/\bAGE-SECRET-KEY-1[0-9A-Z]{58}\b/g, 'age-key'],
  // JWTs: three base64url segments, the first a JSON header ("eyJ").
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+/g, 'jwt'],
];

/** Credentials named by what precedes them: the name stays, the value goes. */
const NAMED: [RegExp, string][] = [
  // Authorization headers and bare bearer/basic credentials.
  [/\b(Bearer|Basic|Token)\s{1,3}[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${MARK}`],
  // Azure storage account keys, SAS signatures and Service Bus keys in connection strings and URLs.
  [/\b(AccountKey|SharedAccessKey|sig)=[A-Za-z0-9%+/=]{16,512}/g, `$1=${MARK}`],
  // Command-line flags: --password X, --token=X, -p X is too ambiguous to touch.
  [
    /(--?(?:password|passwd|pass|token|secret|api-key|apikey|access-key|secret-key|client-secret|auth-token)(?:=|\s{1,3}))(?!-)[^\s"']{1,512}/gi,
    `$1${MARK}`,
  ],
  // key=value credentials in logfmt, query strings, JSON, YAML and env dumps, where the key
  // contains a credential word anywhere (DB_PASSWORD, x-api-key, aws_secret_access_key), also
  // inside a JSON string that holds JSON (\"api_key\": \"…\"). No leading word boundary:
  // DB_PASSWORD has none before PASSWORD.
  [
    /((?:password|passwd|passphrase|pwd|secret|token|api[_-]?key|access[_-]?key|auth[_-]?key|credentials?|private[_-]?key|signature)[A-Za-z0-9_.-]{0,24}(?:\\?["'])?\s{0,3}[:=]\s{0,3}(?:\\?["'])?)(?![\s"'&,;\\]|\[REDACTED\])[^\s"'&,;\\]{1,512}/gi,
    `$1${MARK}`,
  ],
];

const PEM_BEGIN = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/g;
const PEM_TAIL = 'PRIVATE KEY';

/** Private key blocks, found with indexOf; an unterminated block is redacted to the end. */
function redactPem(text: string): string {
  if (!text.includes(PEM_TAIL)) return text;
  let out = '';
  let from = 0;
  for (;;) {
    PEM_BEGIN.lastIndex = from;
    const m = PEM_BEGIN.exec(text);
    if (!m) break;
    const endMarker = text.indexOf('-----END ', m.index + m[0].length);
    const close = endMarker === -1 ? -1 : text.indexOf('-----', endMarker + 9);
    out += `${text.slice(from, m.index)}${MARK}:private-key`;
    from = close === -1 ? text.length : close + 5;
  }
  return out + text.slice(from);
}

const SCHEME_BEFORE = /[a-z][a-z0-9+.-]{1,20}$/i;
const USERINFO = /[^\s:@/]{0,256}:[^\s@/]{1,256}@/y;

/**
 * user:password@ in URLs (also an empty user, as in redis://:pw@host). Found from each "://" with
 * indexOf: a regex starting with the scheme would retry the scheme at every position of a long run
 * of letters, which is quadratic in practice.
 */
function redactUrlUserinfo(text: string): string {
  let at = text.indexOf('://');
  if (at === -1 || !text.includes('@')) return text;
  let out = '';
  let from = 0;
  while (at !== -1) {
    const start = at + 3;
    USERINFO.lastIndex = start;
    const m = SCHEME_BEFORE.test(text.slice(Math.max(0, at - 21), at)) ? USERINFO.exec(text) : null;
    if (m) {
      out += `${text.slice(from, start)}${MARK}@`;
      from = start + m[0].length;
    }
    at = text.indexOf('://', m ? from : start);
  }
  return out + text.slice(from);
}

/**
 * An AWS secret access key without its label: exactly 40 characters of base64, standing alone,
 * with upper and lower case and a digit, and random-looking (a git SHA is hex and lowercase; a
 * path or a word is not that random).
 */
const AWS_SECRET_CANDIDATE = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;

function looksRandom(s: string): boolean {
  if (!/[A-Z]/.test(s) || !/[a-z]/.test(s) || !/[0-9]/.test(s)) return false;
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let entropy = 0;
  for (const n of counts.values()) entropy -= (n / s.length) * Math.log2(n / s.length);
  return entropy > 4.2;
}

export type Redactor = (text: string) => string;

/** A redactor for the patterns above plus the literal values of the config's secrets. */
export function createRedactor(literalSecrets: string[] = []): Redactor {
  const literals = literalSecrets.filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  return (text: string) => {
    let out = redactPem(text);
    for (const [re, family] of TOKENS) out = out.replace(re, `${MARK}:${family}`);
    out = redactUrlUserinfo(out);
    for (const [re, replacement] of NAMED) out = out.replace(re, replacement);
    out = out.replace(AWS_SECRET_CANDIDATE, (m) => (looksRandom(m) ? `${MARK}:aws-secret` : m));
    for (const secret of literals) out = out.split(secret).join(MARK);
    return out;
  };
}

/** Applies `redact` to every string inside a JSON-like value. */
export function redactDeep<T>(value: T, redact: Redactor): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, redact);
    return out as T;
  }
  return value;
}
