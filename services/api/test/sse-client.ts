/**
 * A server-sent events client for tests: opens `GET /api/v1/stream` over real HTTP (the stream never
 * ends, so `app.inject` cannot read it) and keeps the events as they come.
 */
export interface Received {
  event: string;
  data: unknown;
}

/** An open stream as a page holds it: the events received so far, in order. */
export interface Stream {
  status: number;
  received: Received[];
  /** Whether the server ended the stream. */
  readonly ended: boolean;
  /** Resolves with the first event (from the start) that `match` accepts. */
  next(match: (r: Received) => boolean, timeoutMs?: number): Promise<Received>;
  close(): void;
}

/** Opens `GET <path>` (the stream by default) over real HTTP and parses the server-sent events as they come. */
export async function openStream(
  base: string,
  cookie?: string,
  { path = '/api/v1/stream', headers = {} }: { path?: string; headers?: Record<string, string> } = {},
): Promise<Stream> {
  const controller = new AbortController();
  const res = await fetch(`${base}${path}`, {
    headers: { accept: 'text/event-stream', ...(cookie ? { cookie } : {}), ...headers },
    signal: controller.signal,
  });
  const received: Received[] = [];
  const waiters = new Set<() => void>();
  let ended = false;
  if (res.ok && res.body) {
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of res.body!) {
          buffer += decoder.decode(chunk as Uint8Array, { stream: true });
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const field = (name: string) =>
              block
                .split('\n')
                .filter((line) => line.startsWith(`${name}:`))
                .map((line) => line.slice(name.length + 1).trim())
                .join('\n');
            if (!block.split('\n').some((line) => line.startsWith('data:'))) continue; // a heartbeat
            received.push({ event: field('event') || 'message', data: JSON.parse(field('data')) });
            for (const wake of waiters) wake();
          }
        }
        ended = true;
      } catch {
        // aborted by close()
      }
    })();
  } else {
    await res.body?.cancel();
  }
  return {
    status: res.status,
    received,
    get ended() {
      return ended;
    },
    next: (match, timeoutMs = 5_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = received.find(match);
          if (!found) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(received)}`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      }),
    close: () => controller.abort(),
  };
}
