/**
 * The settings page: static files (HTML, ES modules, CSS) from services/api/public, served at `/`
 * with no build step. The page holds no data or secrets of its own; it reads everything through
 * `/api/v1` with the session cookie, and writes with the CSRF token (see plugins/security.ts).
 */
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** The same folder from src/ (tsx, tests) and from dist/ (the build). */
export const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url));

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
}
