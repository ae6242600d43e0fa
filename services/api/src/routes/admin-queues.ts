/**
 * The BullMQ dashboard (bull-board) at /admin/queues, for operators: every queue of the catalogue,
 * read-only. Only a user signed in with a session gets it, and only when one of their own sign-in
 * identities is in `ADMIN_SUBJECTS` (provider:subject) or carries an email in `ADMIN_EMAILS` that its
 * provider verified; anyone else gets 401 (not signed in) or 403. An email claim anyone can present
 * (Microsoft's, Google's unverified) grants nothing. Read-only because the dashboard's own writes (retry, clean,
 * promote) carry no CSRF token, and every cookie-authenticated write here must.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { repositories, type Database } from '@frontload/db';
import { QUEUES } from '@frontload/jobs';
import { Queue } from 'bullmq';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { Errors } from '../errors.js';
import { errorBody } from '../plugins/error-handler.js';
import { dashboardCspDirectives } from '../plugins/security.js';

export const ADMIN_QUEUES_PATH = '/admin/queues';

export interface AdminQueuesOptions {
  db: Database;
  /** The producer connection; the dashboard reads the queues on it. */
  redis: Redis;
  queuePrefix: string;
  /** Users with one of these provider-verified emails may open the dashboard (compared without case). */
  adminEmails: readonly string[];
  /** Users with one of these identities (`google:<sub>`, `microsoft:<oid>`) may open the dashboard. */
  adminSubjects?: readonly string[];
  /** Served over https (decides the CSP's upgrade-insecure-requests). */
  secure: boolean;
}

/** 401 without a session; 403 for an API token, a user who is not an admin, or a write. */
async function requireAdmin(request: FastifyRequest, db: Database, admins: Admins) {
  const user = request.user;
  if (!user) throw new Errors.Unauthenticated();
  if (user.via !== 'session') throw new Errors.Forbidden('The queue dashboard needs a signed-in browser');
  const identities = await repositories(db).identities.listForUser(user.id);
  const isAdmin = identities.some(
    (identity) =>
      admins.subjects.has(`${identity.provider}:${identity.subject}`) ||
      (identity.email_verified && admins.emails.has(identity.email.toLowerCase())),
  );
  if (!isAdmin) throw new Errors.Forbidden('Only administrators may open the queue dashboard');
  // Read-only whatever the dashboard's own checks say: nothing here changes a queue.
  if (request.method !== 'GET' && request.method !== 'HEAD')
    throw new Errors.Forbidden('The queue dashboard is read-only');
}

interface Admins {
  emails: ReadonlySet<string>;
  subjects: ReadonlySet<string>;
}

export async function adminQueueRoutes(app: FastifyInstance, options: AdminQueuesOptions): Promise<void> {
  const admins: Admins = {
    emails: new Set(options.adminEmails.map((email) => email.trim().toLowerCase()).filter(Boolean)),
    subjects: new Set((options.adminSubjects ?? []).map((subject) => subject.trim()).filter(Boolean)),
  };
  let queues: Queue[] | undefined;
  const serverAdapter = new FastifyAdapter().setBasePath(ADMIN_QUEUES_PATH);
  const board = createBullBoard({
    queues: [],
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Frontload queues' } },
  });
  // The queues are opened on the first admin request, as the producers open theirs on first use.
  const openQueues = () => {
    if (queues) return;
    queues = Object.values(QUEUES).map((name) => {
      const queue = new Queue(name, { connection: options.redis, prefix: options.queuePrefix });
      // Redis outages reach the shared connection's owner; here they only need not crash the process.
      queue.on('error', (error) => app.log.warn({ err: error, queue: name }, 'queue dashboard: Redis error'));
      return queue;
    });
    board.replaceQueues(queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: true })));
  };
  // Hooks of this scope reach the dashboard's routes (its plugin is encapsulated) and nothing else.
  app.addHook('onRoute', (route) => {
    route.config = {
      ...route.config,
      helmet: {
        contentSecurityPolicy: { useDefaults: false, directives: dashboardCspDirectives(options.secure) },
      },
    } as typeof route.config;
  });
  app.addHook('onRequest', async (request, reply) => {
    try {
      await requireAdmin(request, options.db, admins);
    } catch (error) {
      // Answered here: the dashboard's plugin has an error handler of its own, with another shape.
      const body = errorBody(error as FastifyError, request.id);
      return reply.status(body.statusCode).send(body);
    }
    openQueues();
  });
  app.addHook('onClose', async () => void (await Promise.all((queues ?? []).map((queue) => queue.close()))));
  await app.register(serverAdapter.registerPlugin(), { prefix: ADMIN_QUEUES_PATH });
}
