/**
 * A worker process's metrics endpoint: a bare node:http server answering `GET /metrics` in the
 * Prometheus text format. Workers serve no other HTTP, so a framework would be dead weight.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** A listening metrics server. */
export interface MetricsServer {
  /** The port it listens on (the one asked for, or the one the system picked for 0). */
  port: number;
  close(): Promise<void>;
}

/** Serves `registry` at `GET /metrics` on `host:port` (port 0: any free port). */
export async function serveMetrics(
  registry: Registry,
  listen: { host: string; port: number },
): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    const path = request.url?.split('?')[0];
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) =>
        response.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${String(error)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
