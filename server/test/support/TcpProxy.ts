// A TCP proxy on loopback in front of the test PostgreSQL, so a test can take
// "the database" away (every connection cut, new ones refused, as when it
// restarts or its host goes) and bring it back, without touching the
// PostgreSQL server other tests share. Also in front of the server, as a
// receiver that stops reading (chat back-pressure).
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export class TcpProxy {
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();
  readonly #pairs = new Set<{ client: Socket; upstream: Socket }>();
  #port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  get port(): number {
    return this.#port;
  }

  /** Listens (again, on the same port once it had one). */
  async up(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.once('close', () => this.#sockets.delete(socket));
        socket.on('error', () => undefined); // the other side's close ends the pair below
      }
      const pair = { client, upstream };
      this.#pairs.add(pair);
      client.once('close', () => this.#pairs.delete(pair));
      client.pipe(upstream).on('close', () => client.destroy());
      upstream.pipe(client).on('close', () => upstream.destroy());
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, '127.0.0.1', () => resolve());
    });
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** The far side stops reading what the target sends (a slow receiver): the target's send buffers fill. */
  stall(): void {
    for (const { client, upstream } of this.#pairs) upstream.unpipe(client);
  }

  /** Reading again after `stall`. */
  flow(): void {
    for (const { client, upstream } of this.#pairs) upstream.pipe(client);
  }

  /** The database is gone: every connection cut, new ones refused. */
  async down(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
