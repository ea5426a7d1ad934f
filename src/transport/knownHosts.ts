import { createHash, createHmac } from 'node:crypto';

/** One usable line of an OpenSSH known_hosts file. */
export interface KnownHostEntry {
  marker?: 'revoked' | 'cert-authority';
  patterns: string[];
  /** For hashed entries (|1|salt|hash): the salt and hash, base64. */
  hashed?: { salt: Buffer; hash: string };
  keyType: string;
  /** Base64 of the public key blob. */
  key: string;
  line: number;
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const parts = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (parts[0]?.startsWith('@')) {
      const m = parts.shift()?.slice(1);
      if (m !== 'revoked' && m !== 'cert-authority') return;
      marker = m;
    }
    const [hosts, keyType, key] = parts;
    if (!hosts || !keyType || !key) return;
    const entry: KnownHostEntry = { ...(marker && { marker }), patterns: [], keyType, key, line: i + 1 };
    if (hosts.startsWith('|1|')) {
      const [, , salt, hash] = hosts.split('|');
      if (!salt || !hash) return;
      entry.hashed = { salt: Buffer.from(salt, 'base64'), hash };
    } else {
      entry.patterns = hosts.split(',');
    }
    out.push(entry);
  });
  return out;
}

/** The name known_hosts uses for a host: "host" on port 22, "[host]:port" otherwise. */
export function hostKeyName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globMatch(pattern: string, name: string): boolean {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^${escaped.replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return re.test(name);
}

function entryMatches(entry: KnownHostEntry, name: string): boolean {
  if (entry.hashed) {
    const h = createHmac('sha1', entry.hashed.salt).update(name).digest('base64');
    return h === entry.hashed.hash;
  }
  let matched = false;
  for (const p of entry.patterns) {
    if (p.startsWith('!')) {
      if (globMatch(p.slice(1), name)) return false;
    } else if (globMatch(p, name)) {
      matched = true;
    }
  }
  return matched;
}

/** "SHA256:…" as ssh-keygen -l prints it. */
export function fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside an SSH public key blob (its first string). */
export function keyTypeOf(keyBlob: Buffer): string {
  const len = keyBlob.readUInt32BE(0);
  return keyBlob.subarray(4, 4 + len).toString('latin1');
}

export type HostKeyVerdict =
  | { verdict: 'trusted'; line: number }
  | { verdict: 'revoked'; line: number }
  | { verdict: 'changed'; lines: number[] }
  | { verdict: 'unknown' };

/**
 * Judges the key a server presented against known_hosts, before any authentication: a revoked key
 * is refused whatever else matches; a host known with other keys of the same type has changed its
 * key (refused loudly); a host not listed at all is unknown (refused, with the way to trust it).
 */
export function verifyHostKey(
  entries: KnownHostEntry[],
  host: string,
  port: number,
  keyBlob: Buffer,
): HostKeyVerdict {
  const name = hostKeyName(host, port);
  const presented = keyBlob.toString('base64');
  const type = keyTypeOf(keyBlob);
  const revoked = entries.find((e) => e.marker === 'revoked' && e.key === presented);
  if (revoked) return { verdict: 'revoked', line: revoked.line };
  const forHost = entries.filter((e) => !e.marker && entryMatches(e, name));
  const same = forHost.find((e) => e.key === presented);
  if (same) return { verdict: 'trusted', line: same.line };
  const conflicting = forHost.filter((e) => e.keyType === type);
  if (conflicting.length > 0) return { verdict: 'changed', lines: conflicting.map((e) => e.line) };
  return { verdict: 'unknown' };
}

/** The known_hosts line that trusts `keyBlob` for the host, hashed like `HashKnownHosts yes`. */
export function knownHostsLine(host: string, port: number, keyBlob: Buffer, salt: Buffer): string {
  const hash = createHmac('sha1', salt).update(hostKeyName(host, port)).digest('base64');
  return `|1|${salt.toString('base64')}|${hash} ${keyTypeOf(keyBlob)} ${keyBlob.toString('base64')}`;
}
