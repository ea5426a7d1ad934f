// The HTTP client, in a module of its own so that httpGet can load it on first use (a dynamic
// import of undici itself would lose its named exports to CommonJS interop in the bundle).
export { request } from 'undici';
