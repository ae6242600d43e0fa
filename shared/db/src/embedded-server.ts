/**
 * Serves an embedded PGlite database over the Postgres wire protocol on loopback, so that the API
 * and every worker process of `npm start` share one database without a Postgres installation.
 * PGlite is single-connection; pglite-socket multiplexes clients and keeps a transaction on the
 * connection that opened it. For demos and local development only: production sets DATABASE_URL.
 */
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedServer {
  url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(options: {
  dir: string;
  port?: number;
}): Promise<EmbeddedServer> {
  await mkdir(options.dir, { recursive: true });
  const db = await PGlite.create(options.dir);
  const server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: options.port ?? 0,
    maxConnections: 64,
  });
  let port = options.port ?? 0;
  server.addEventListener('listening', (event) => {
    port = (event as CustomEvent<{ port: number }>).detail.port;
  });
  await server.start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
