import { describe, expect, it } from 'vitest';
import { createProvider, PROVIDER_FACTORIES } from './index.js';

const settings = {
  tokens: { getAccessToken: () => Promise.resolve('t'), invalidate: () => undefined },
  apiBaseUrl: 'http://127.0.0.1:1',
  now: () => 0,
};

describe('provider registry', () => {
  it('has one factory per provider kind and builds adapters of that kind', () => {
    expect(Object.keys(PROVIDER_FACTORIES).sort()).toEqual(['google', 'microsoft']);
    expect(createProvider('google', settings).kind).toBe('google');
    expect(createProvider('microsoft', settings).kind).toBe('microsoft');
  });

  it('reports an unreachable provider as a transient ProviderError', async () => {
    await expect(createProvider('google', settings).getSettings()).rejects.toMatchObject({
      kind: 'transient',
      provider: 'google',
    });
    await expect(createProvider('microsoft', settings).getSettings()).rejects.toMatchObject({
      kind: 'transient',
      provider: 'microsoft',
    });
  });
});
