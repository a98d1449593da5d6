import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../../server/boot';
import { parseEnv } from '../../server/env';
import { createTestDb, mint, SECRET, type TestDb } from './harness';

describe('a graceful stop (SIGTERM)', () => {
  let testDb: TestDb;
  beforeAll(async () => { testDb = await createTestDb('mysql'); });
  afterAll(() => testDb?.drop());

  it('ends event streams, lets a request under way finish, then refuses new connections', async () => {
    const server = await listen(parseEnv({ DATABASE_URL: testDb.url, CHAT_JWT_SECRET: SECRET, UPLOAD_DIR: `/tmp/ippchat-shutdown-${process.pid}` }), 0, '127.0.0.1');
    const token = await mint({ sub: '1' });
    const auth = { Authorization: `Bearer ${token}` };
    const room = await (await fetch(`${server.url}/api/chat/rooms`, {
      method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ type: 'direct', userId: 2 }),
    })).json();

    const stream = await fetch(`${server.url}/api/chat/events`, { headers: auth });
    expect(stream.status).toBe(200);
    const streamEnded = stream.text();

    // A send whose body is still arriving when the stop begins.
    let finishBody!: () => void;
    const bodyDone = new Promise<void>((resolve) => { finishBody = resolve; });
    const json = JSON.stringify({ content: 'envoyé pendant l’arrêt', clientId: 'during-stop' });
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(new TextEncoder().encode(json.slice(0, 10)));
        await bodyDone;
        controller.enqueue(new TextEncoder().encode(json.slice(10)));
        controller.close();
      },
    });
    const inFlight = fetch(`${server.url}/api/chat/rooms/${room.id}/messages`, {
      method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body, duplex: 'half',
    } as RequestInit);
    await new Promise((r) => setTimeout(r, 100));

    const stopped = server.close();
    await streamEnded; // the stream ends, so clients reconnect to another instance
    finishBody();
    const sent = await inFlight;
    expect(sent.status).toBe(201);
    await stopped;
    await expect(fetch(`${server.url}/api/chat/health`)).rejects.toThrow();
  });
});
