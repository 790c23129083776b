/**
 * The embedded PostgreSQL: PGlite (PostgreSQL compiled to WebAssembly) served over the PostgreSQL wire
 * protocol on a loopback port, so psql, psycopg and the checks connect to it as to any server. It is the
 * default for PostgreSQL-only labs when Docker is absent. It holds one database, whatever name a client
 * asks for, so its endpoints are marked `singleDatabase` and a check setup resets its schemas instead.
 */
import { createServer } from 'node:net';
import type { PostgresEndpoint } from '../checks/types';

export interface EmbeddedPostgresOptions {
  /** Where the data is kept between runs; in memory when absent. */
  readonly dataDir?: string;
  /** 0 or absent: a free port. */
  readonly port?: number;
  readonly host?: string;
  /** Concurrent client connections the server multiplexes onto PGlite's one session. */
  readonly maxConnections?: number;
}

export interface EmbeddedPostgres {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string | undefined;
  /** The endpoint a lab's service resolves to, for messages and checks. */
  endpoint(database: string): PostgresEndpoint;
  stop(): Promise<void>;
}

/** A port nothing listens on now, on `host`. */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Starts PGlite and its socket server; a port in use is reported by number. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port || (await freePort(host));
  const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([import('@electric-sql/pglite'), import('@electric-sql/pglite-socket')]).catch((error: unknown) => {
    throw new Error(
      `the embedded PostgreSQL is not installed with this copy of Data Engineering Labs (${error instanceof Error ? error.message.split('\n')[0] : String(error)}): ` +
        'run npm install in the project, or start the lab\'s services with Docker.',
    );
  });
  const db = await PGlite.create(options.dataDir ?? 'memory://');
  const server = new PGLiteSocketServer({ db, host, port, maxConnections: options.maxConnections ?? 16 });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new Error(`the embedded PostgreSQL cannot listen on ${host}:${port}: the port is in use by another program.`);
    throw error;
  }
  let stopped = false;
  return {
    host,
    port,
    dataDir: options.dataDir,
    endpoint: (database) => ({
      kind: 'postgres',
      host,
      port,
      user: 'postgres',
      password: '',
      database,
      source: `the embedded PostgreSQL (${host}:${port})`,
      singleDatabase: true,
    }),
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await db.close();
    },
  };
}
