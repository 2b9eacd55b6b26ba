import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the test server saw it. */
export type RecordedRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
};

export type Reply = { status: number; body?: unknown; headers?: Record<string, string>; raw?: string };
export type Handler = (req: RecordedRequest) => Reply | Promise<Reply>;

/**
 * A local HTTP server standing in for a vendor API in tests and benchmarks:
 * it records every request and answers through `handle`. `failNext` makes the
 * next matching requests answer with a given reply (429 storms, 500 mid-batch).
 */
export class HttpTestServer {
  readonly requests: RecordedRequest[] = [];
  private server: Server;
  private faults: { match: (r: RecordedRequest) => boolean; reply: Reply; left: number }[] = [];
  url = '';

  constructor(private readonly handle: Handler) {
    this.server = createServer((req, res) => void this.serve(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** The next `times` requests for which `match` holds get `reply` instead of the normal answer. */
  failNext(match: (r: RecordedRequest) => boolean, reply: Reply, times = 1): void {
    this.faults.push({ match, reply, left: times });
  }

  /** Drops the faults still pending. */
  clearFaults(): void {
    this.faults.length = 0;
  }

  calls(method: string, pathPrefix: string | RegExp): RecordedRequest[] {
    return this.requests.filter(
      (r) =>
        r.method === method &&
        (typeof pathPrefix === 'string' ? r.path.startsWith(pathPrefix) : pathPrefix.test(r.path)),
    );
  }

  private async serve(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const u = new URL(req.url ?? '/', 'http://x');
    const rec: RecordedRequest = {
      method: req.method ?? 'GET',
      path: u.pathname,
      query: u.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    this.requests.push(rec);
    let reply: Reply;
    const fault = this.faults.find((f) => f.left > 0 && f.match(rec));
    if (fault) {
      fault.left--;
      reply = fault.reply;
    } else {
      try {
        reply = await this.handle(rec);
      } catch (e) {
        reply = { status: 500, body: { message: (e as Error).message } };
      }
    }
    const text = reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
    res.writeHead(reply.status, {
      ...(reply.raw === undefined && reply.body !== undefined
        ? { 'content-type': 'application/json;charset=UTF-8' }
        : {}),
      ...reply.headers,
    });
    res.end(text);
  }
}
