import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { PgConnection } from './connectionOptions';
import type { JournalReply, JournalRequest, ThreadEvent } from './threadProtocol';

/**
 * The journal thread seen from the caller: `call` blocks until the answer is there or `timeoutMs`
 * passes (then the answer is unknown: the record may yet be committed, which the body hash makes
 * harmless when it is sent again); `send` does not block and answers through `onEvent`.
 */
export class JournalThread {
  private readonly worker: Worker;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private readonly channel = new MessageChannel();
  private nextId = 1;
  private readonly pending = new Map<number, (r: JournalReply) => void>();

  constructor(
    script: string,
    connection: PgConnection,
    private readonly onNudge: (incident: string) => void,
  ) {
    this.worker = new Worker(script, {
      workerData: { connection, signal: this.flag.buffer, port: this.channel.port2 },
      transferList: [this.channel.port2],
    });
    this.worker.on('message', (m: ThreadEvent) => {
      if (m.type === 'nudge') this.onNudge(m.incident);
      else {
        this.pending.get(m.id)?.(m.reply);
        this.pending.delete(m.id);
      }
    });
    this.worker.on('error', () => {});
    this.worker.unref();
    this.channel.port1.unref();
  }

  call(req: JournalRequest, timeoutMs: number): JournalReply {
    const id = this.nextId++;
    Atomics.store(this.flag, 0, 0);
    this.channel.port1.postMessage({ id, req });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      // Answers to calls that timed out earlier may arrive first: they are dropped.
      for (
        let m = receiveMessageOnPort(this.channel.port1);
        m;
        m = receiveMessageOnPort(this.channel.port1)
      ) {
        const msg = m.message as { id: number; reply: JournalReply };
        if (msg.id === id) return msg.reply;
      }
      const left = deadline - Date.now();
      if (left <= 0)
        return {
          ok: false,
          problem: 'unavailable',
          message: `no answer from the database in ${Math.round(timeoutMs / 1000)} s`,
        };
      Atomics.wait(this.flag, 0, 0, left);
      Atomics.store(this.flag, 0, 0);
    }
  }

  send(req: JournalRequest): Promise<JournalReply> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.worker.postMessage({ id, req });
    });
  }

  close(): void {
    this.worker.postMessage({ type: 'close' });
    // A thread that does not end in a second is ended: a closing console never waits on the network.
    setTimeout(() => void this.worker.terminate(), 1000).unref();
  }
}
