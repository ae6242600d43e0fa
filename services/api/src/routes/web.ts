/**
 * The settings page: static files (HTML, ES modules, CSS) from services/api/public, served at `/`
 * with no build step, and the chart library's built files from node_modules at `/vendor/uplot/`.
 * The page holds no data or secrets of its own; it reads everything through `/api/v1` with the
 * session cookie, and writes with the CSRF token (see plugins/security.ts).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** The same folder from src/ (tsx, tests) and from dist/ (the build). */
export const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url));

/** uPlot's built files (the ES module and its style sheet), for the balance chart. */
export const UPLOT_DIR = join(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');

export async function webRoutes(app: FastifyInstance): Promise<void> {
  await app.register(fastifyStatic, {
    root: PUBLIC_DIR,
    prefix: '/',
    index: ['index.html'],
    // The page changes with each deploy and is small: always revalidate rather than serve a stale copy.
    cacheControl: true,
    maxAge: 0,
    schemaHide: true,
  });
  // The chart library from the installed package, same origin (no CDN: the CSP allows only 'self').
  await app.register(fastifyStatic, {
    root: UPLOT_DIR,
    prefix: '/vendor/uplot/',
    decorateReply: false,
    allowedPath: (path) => path === '/uPlot.esm.js' || path === '/uPlot.min.css',
    cacheControl: true,
    maxAge: 0,
    schemaHide: true,
  });
}
