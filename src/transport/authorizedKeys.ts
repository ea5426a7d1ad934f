import type { ResponderRole } from '../model/responders';
import { inertJson } from '../text/inert';

/** One person's key in the shared console's authorized-keys file. */
export interface AuthorizedKey {
  name: string;
  role: ResponderRole;
  /** The key type and its base64 blob, as `ssh-keygen` writes them. */
  type: string;
  blob: string;
  line: number;
}

export class AuthorizedKeysError extends Error {}

const KEY_TYPE =
  /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com)$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
const ROLES = new Set<ResponderRole>(['commander', 'responder', 'viewer']);
/**
 * OpenSSH options that only narrow what a key may do, which this server does anyway (no
 * forwarding, no exec, no agent): accepted and ignored. Any other option (`from=`, `expiry-time=`,
 * `command=`) would narrow something this server does not check, so it is refused rather than
 * silently widened.
 */
const NARROWING = new Set([
  'restrict',
  'no-port-forwarding',
  'no-agent-forwarding',
  'no-X11-forwarding',
  'no-user-rc',
  'pty',
]);
const ACCEPTED_OPTIONS = ['name=', 'role=', ...NARROWING].join(', ');

/** Splits the options field on commas outside double quotes. */
function splitOptions(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  if (quoted) throw new AuthorizedKeysError('an option has an unclosed double quote');
  out.push(current);
  return out;
}

/** The options field: from the start up to the first space outside double quotes. */
function leadingOptions(line: string): [string, string] {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') quoted = !quoted;
    else if ((ch === ' ' || ch === '\t') && !quoted) return [line.slice(0, i), line.slice(i).trim()];
  }
  return [line, ''];
}

/** A piece of the file quoted in a message: a terminal escape in it shows as text, never acts. */
const quoted = (text: string) => inertJson(text);

/** Who a key is for: its base64 blob, decoded and encoded again, so padding cannot tell two copies apart. */
const keyIdentity = (type: string, blob: string) =>
  `${type} ${Buffer.from(blob, 'base64').toString('base64')}`;

/** One line's key: its options, its person and role. Throws a message (without file:line) for a line it cannot honour. */
function parseLine(line: string, lineNumber: number): AuthorizedKey {
  const firstWord = line.split(/\s+/)[0] as string;
  const [optionText, rest] = KEY_TYPE.test(firstWord) ? ['', line] : leadingOptions(line);
  const [type, blob, ...comment] = rest.split(/\s+/);
  if (!type || !KEY_TYPE.test(type) || !blob || !/^[A-Za-z0-9+/]+=*$/.test(blob))
    throw new AuthorizedKeysError(
      'expected [options] KEYTYPE BASE64 [comment], as ssh-keygen writes a .pub file',
    );
  const options = new Map<string, string | true>();
  for (const opt of optionText ? splitOptions(optionText) : []) {
    const eq = opt.indexOf('=');
    const key = eq === -1 ? opt : opt.slice(0, eq);
    const value = eq === -1 ? true : opt.slice(eq + 1).replace(/^"(.*)"$/, '$1');
    if (key !== 'name' && key !== 'role' && !NARROWING.has(key))
      throw new AuthorizedKeysError(
        `option ${quoted(key)} is not supported here (the options it takes: ${ACCEPTED_OPTIONS}): remove it, or keep this key in sshd's own file`,
      );
    if (options.has(key)) throw new AuthorizedKeysError(`option ${quoted(key)} is given twice: keep one`);
    options.set(key, value);
  }
  const named = options.get('name');
  const name = typeof named === 'string' ? named : comment.join(' ').split('@')[0];
  if (!name || !NAME.test(name))
    throw new AuthorizedKeysError(
      `${name ? `${quoted(name)} is not a usable name` : 'this key names nobody'}: put name="..." before the key type, with letters, digits, . _ - (up to 32), such as name="alice"`,
    );
  const role = options.get('role') ?? 'responder';
  if (typeof role !== 'string' || !ROLES.has(role as ResponderRole))
    throw new AuthorizedKeysError(
      `role must be commander, responder or viewer; got ${typeof role === 'string' ? quoted(role) : 'role with no value'}`,
    );
  return { name, role: role as ResponderRole, type, blob, line: lineNumber };
}

/**
 * Reads the file that says who may connect to `opsconsole serve`, in the OpenSSH authorized_keys
 * format, each key naming its person: `name="alice"` among the options, else the key's comment
 * (`alice@laptop` names alice); `role="commander|responder|viewer"` (responder when absent). A line
 * that cannot be read is an error naming its line, never skipped: a key nobody meant to refuse.
 * So is any doubt about who a key is: the same key on two lines (which role would it have?), or one
 * name on two keys (whose actions would the journal's name be?).
 */
export function parseAuthorizedKeys(text: string, path: string): AuthorizedKey[] {
  const keys: AuthorizedKey[] = [];
  const byKey = new Map<string, AuthorizedKey>();
  const byName = new Map<string, AuthorizedKey>();
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    try {
      const key = parseLine(line, i + 1);
      const identity = keyIdentity(key.type, key.blob);
      const sameKey = byKey.get(identity);
      if (sameKey)
        throw new AuthorizedKeysError(
          `the same key as line ${sameKey.line} (${sameKey.name}, ${sameKey.role}): one line per key; remove one`,
        );
      const sameName = byName.get(key.name);
      if (sameName)
        throw new AuthorizedKeysError(
          `${quoted(key.name)} already names the key on line ${sameName.line}: one key per name; give this one another name=`,
        );
      byKey.set(identity, key);
      byName.set(key.name, key);
      keys.push(key);
    } catch (err) {
      throw new AuthorizedKeysError(`${path}:${i + 1}: ${(err as Error).message}`);
    }
  }
  return keys;
}
