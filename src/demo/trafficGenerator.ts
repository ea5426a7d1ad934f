import { Agent, request } from 'undici';

const PATHS = ['/api/checkout', '/api/cart', '/api/orders', '/api/prices'];

export function newRequestId(): string {
  return `req-${Math.random().toString(16).slice(2, 10).padEnd(8, '0')}`;
}

/**
 * Steady synthetic traffic into the demo's front service, each request with a fresh request id that
 * every service passes on, so one id can be followed through the fleet's logs.
 */
export class TrafficGenerator {
  private timer: NodeJS.Timeout | undefined;
  private readonly agent = new Agent({ keepAliveTimeout: 10_000, connections: 16 });
  private inFlight = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly requestsPerSecond: number,
  ) {}

  start(): void {
    const tickMs = 100;
    let carry = 0;
    this.timer = setInterval(() => {
      carry += (this.requestsPerSecond * tickMs) / 1000;
      while (carry >= 1) {
        carry -= 1;
        this.fire();
      }
    }, tickMs);
  }

  private fire(): void {
    // Never pile up requests against a service that has stopped answering.
    if (this.inFlight >= 64) return;
    this.inFlight++;
    const path = PATHS[Math.floor(Math.random() * PATHS.length)] as string;
    request(`${this.baseUrl}${path}`, {
      dispatcher: this.agent,
      headers: { 'x-request-id': newRequestId() },
      headersTimeout: 3000,
      bodyTimeout: 3000,
    })
      .then((res) => res.body.dump())
      .catch(() => {})
      .finally(() => {
        this.inFlight--;
      });
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.agent.close().catch(() => {});
  }
}
