export interface HttpGetOptions {
  /** Whole-request deadline, headers and body included. */
  timeoutMs: number;
  maxBytes: number;
  headers?: Record<string, string>;
  /**
   * Sees each chunk of a 2xx answer's body as it arrives; what it throws ends the request at once
   * and is thrown as is (an answer refused for its shape need not be downloaded to the end).
   */
  onChunk?: (chunk: Buffer) => void;
}

export interface HttpRequestOptions extends HttpGetOptions {
  method: 'GET' | 'POST' | 'DELETE';
  /** Sent as JSON. */
  json?: unknown;
}

export interface HttpGetResult {
  status: number;
  body: string;
  latencyMs: number;
}

export class HttpGetError extends Error {}

/** GET with a hard deadline and a response size cap: a slow or huge endpoint cannot stall a poller. */
export function httpGet(url: string, options: HttpGetOptions): Promise<HttpGetResult> {
  return httpRequest(url, { ...options, method: 'GET' });
}

/** Any request with the same deadline and size cap as `httpGet`; a body goes as JSON. */
export async function httpRequest(url: string, options: HttpRequestOptions): Promise<HttpGetResult> {
  const started = performance.now();
  const signal = AbortSignal.timeout(options.timeoutMs);
  // Loaded on first use: commands that make no HTTP request never load the client.
  const { request } = await import('./httpClient');
  /** What `onChunk` threw: the caller's own error, passed on untouched. */
  let refused: unknown;
  try {
    const hasBody = options.json !== undefined;
    const res = await request(url, {
      method: options.method,
      headers: hasBody ? { ...options.headers, 'content-type': 'application/json' } : options.headers,
      ...(hasBody && { body: JSON.stringify(options.json) }),
      signal,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    const watch = res.statusCode >= 200 && res.statusCode < 300 ? options.onChunk : undefined;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > options.maxBytes) {
        res.body.destroy();
        throw new HttpGetError(`response larger than ${options.maxBytes} bytes`);
      }
      try {
        watch?.(chunk as Buffer);
      } catch (err) {
        res.body.destroy();
        refused = err;
        throw err;
      }
      chunks.push(chunk as Buffer);
    }
    return {
      status: res.statusCode,
      body: Buffer.concat(chunks).toString('utf8'),
      latencyMs: performance.now() - started,
    };
  } catch (err) {
    if (err instanceof HttpGetError || (refused !== undefined && err === refused)) throw err;
    const e = err as NodeJS.ErrnoException;
    if (signal.aborted || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT') {
      throw new HttpGetError(`no complete answer within ${options.timeoutMs}ms`);
    }
    throw new HttpGetError(e.code ? `${e.code}: ${e.message}` : e.message);
  }
}
