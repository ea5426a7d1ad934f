/**
 * An image reference (`registry:5000/team/api:v1.5.0@sha256:…`), parsed by the distribution
 * reference grammar that Docker, containerd and the kubelet share (distribution/reference's
 * `reference.go`), so that every source names a release the same way. `registry:5000/api` has no
 * tag (the port is part of the domain), `api@sha256:…` is pinned by digest, `api` means `:latest`.
 */
export interface ImageReference {
  /** The registry host (with its port) when the reference names one. */
  domain?: string;
  /** The path inside the registry: `team/api`, `library/redis` is written `redis`. */
  path: string;
  tag?: string;
  digest?: string;
}

// The grammar's pieces, as distribution/reference writes them.
const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const IPV6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|${IPV6})(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(
  `^(?:(${DOMAIN})/)?(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`,
);

/** The longest name the grammar allows (domain and path together). */
const NAME_MAX = 255;

/**
 * Parses a reference; undefined when it is not one (upper case in the path, an empty tag, a bad
 * digest, over 255 characters of name). The first component is a domain only when it looks like one
 * (a dot, a port or `localhost`), as Docker normalizes `redis` to `docker.io/library/redis`.
 */
export function parseImageReference(text: string): ImageReference | undefined {
  const m = REFERENCE.exec(text);
  if (!m) return undefined;
  let domain: string | undefined = m[1];
  let path = m[2] as string;
  const [, , , tag, digest] = m;
  // `team/api`: a first component that does not look like a host is the path's own.
  if (domain !== undefined && !looksLikeDomain(domain)) {
    path = `${domain}/${path}`;
    domain = undefined;
  }
  if ((domain ? domain.length + 1 : 0) + path.length > NAME_MAX) return undefined;
  return { ...(domain !== undefined && { domain }), path, ...(tag && { tag }), ...(digest && { digest }) };
}

/** Docker's rule: a dot, a port, `localhost`, or upper case (which a path may not have). */
function looksLikeDomain(component: string): boolean {
  return (
    component.includes('.') ||
    component.includes(':') ||
    component === 'localhost' ||
    component !== component.toLowerCase()
  );
}

/**
 * The version a person reads for an image: its tag; for a reference pinned by digest alone the
 * digest's first 12 hex digits (as `docker images` shows ids); `latest` when it has neither; and
 * undefined when the text is not a reference at all (so a caller can say so instead of guessing).
 */
export function imageVersion(text: string): string | undefined {
  const ref = parseImageReference(text);
  if (!ref) return undefined;
  if (ref.tag) return ref.tag;
  if (ref.digest) return ref.digest.slice(ref.digest.indexOf(':') + 1, ref.digest.indexOf(':') + 13);
  return 'latest';
}

/** The repository without tag or digest: `registry:5000/team/api`. */
export function imageRepository(text: string): string | undefined {
  const ref = parseImageReference(text);
  return ref && (ref.domain ? `${ref.domain}/${ref.path}` : ref.path);
}
