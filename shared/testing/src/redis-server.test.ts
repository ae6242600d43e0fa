import { Redis } from 'ioredis';
import { expect, test } from 'vitest';
import { privateRedis } from './redis-server.js';

test('a private Redis with appendonly keeps its data across a restart; one without starts empty', async () => {
  for (const appendonly of [true, false]) {
    const server = await privateRedis({ appendonly });
    try {
      await server.start();
      const before = new Redis(server.url, { maxRetriesPerRequest: 1 });
      await before.set('kept', 'yes');
      before.disconnect();
      await server.stop('SIGTERM');
      await server.start();
      const after = new Redis(server.url, { maxRetriesPerRequest: 1 });
      expect(await after.get('kept')).toBe(appendonly ? 'yes' : null);
      after.disconnect();
    } finally {
      await server.dispose();
    }
  }
});
