import { describe, expect, it } from 'vitest';
import {
  imageRepository,
  imageVersion,
  parseImageReference,
} from '../../src/sources/mappings/imageReference';

const DIGEST = `sha256:${'a1b2c3d4e5f6'.repeat(5)}abcd`;

describe('image references, by the distribution grammar', () => {
  it.each([
    ['api', { path: 'api' }, 'latest'],
    ['api:v1.5.0', { path: 'api', tag: 'v1.5.0' }, 'v1.5.0'],
    ['team/api:1.4.2', { path: 'team/api', tag: '1.4.2' }, '1.4.2'],
    ['registry:5000/api', { domain: 'registry:5000', path: 'api' }, 'latest'],
    ['registry:5000/api:v2', { domain: 'registry:5000', path: 'api', tag: 'v2' }, 'v2'],
    ['localhost/api:dev', { domain: 'localhost', path: 'api', tag: 'dev' }, 'dev'],
    ['ghcr.io/org/team/api:v1_rc-2', { domain: 'ghcr.io', path: 'org/team/api', tag: 'v1_rc-2' }, 'v1_rc-2'],
    ['[::1]:5000/api:v3', { domain: '[::1]:5000', path: 'api', tag: 'v3' }, 'v3'],
    ['Registry/api:v1', { domain: 'Registry', path: 'api', tag: 'v1' }, 'v1'],
    ['my__app/x-y.z:1', { path: 'my__app/x-y.z', tag: '1' }, '1'],
    [`api@${DIGEST}`, { path: 'api', digest: DIGEST }, 'a1b2c3d4e5f6'],
    [
      `registry:5000/api:v1@${DIGEST}`,
      { domain: 'registry:5000', path: 'api', tag: 'v1', digest: DIGEST },
      'v1',
    ],
  ])('%s', (text, parsed, version) => {
    expect(parseImageReference(text)).toEqual(parsed);
    expect(imageVersion(text)).toBe(version);
  });

  it.each([
    '',
    'API',
    'team/API:v1',
    'api:',
    'api:-bad',
    `api:${'x'.repeat(129)}`,
    'api@sha256:short',
    'api@',
    '/api',
    'api/',
    'a//b',
    'api:v1:v2',
    `registry.example/${'a'.repeat(250)}`,
    'api\u001b[31m:v1',
  ])('refuses %j', (text) => {
    expect(parseImageReference(text)).toBeUndefined();
    expect(imageVersion(text)).toBeUndefined();
  });

  it('names the repository without tag or digest', () => {
    expect(imageRepository(`registry:5000/team/api:v1@${DIGEST}`)).toBe('registry:5000/team/api');
    expect(imageRepository('redis')).toBe('redis');
  });
});
