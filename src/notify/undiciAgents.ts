// undici's request and its proxy-aware agent, in a module of its own so that delivery loads it on first use (a
// dynamic import of undici itself would lose its named exports to CommonJS interop in the bundle).
export { EnvHttpProxyAgent, request } from 'undici';
