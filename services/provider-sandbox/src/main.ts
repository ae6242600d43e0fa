/** Sandbox process entry: parse config once, build, listen, print the URL, shut down gracefully. */
import { loadConfigOrExit } from '@frontload/config';
import { loggerOptions } from '@frontload/logging';
import closeWithGrace from 'close-with-grace';
import { buildSandbox } from './app.js';

const env = loadConfigOrExit('sandbox');
const { app, core } = await buildSandbox({
  publicUrl: env.SANDBOX_PUBLIC_URL,
  browserUrl: env.SANDBOX_BROWSER_URL,
  controlEnabled: env.SANDBOX_CONTROL,
  allowHttpPush: env.SANDBOX_ALLOW_HTTP_PUSH,
  seedDemo: env.SANDBOX_SEED_DEMO,
  // A running sandbox keeps time like the real providers; the control API can still jump it forward.
  clockMode: 'flowing',
  logger: loggerOptions(env, 'provider-sandbox'),
});

closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'shutting down after an error');
  else app.log.info({ signal }, 'shutting down');
  await app.close();
});

const address = await app.listen({ host: env.SANDBOX_HOST, port: env.SANDBOX_PORT });
const accounts = core.accounts.list().map((a) => `${a.provider}:${a.email}`);
app.log.info({ address, publicUrl: core.baseUrl(), accounts: accounts.length }, 'provider sandbox listening');
process.stdout.write(
  `provider sandbox listening on ${address} (public URL ${core.baseUrl()}; control API ${
    core.controlEnabled ? `${core.baseUrl()}/_sandbox/openapi.json` : 'off'
  })\n`,
);
