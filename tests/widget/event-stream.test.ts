import { expect } from '@open-wc/testing';
import { ChatApi } from '../../widget/api';
import { readEvents } from '../../widget/event-stream';
import type { ChatEvent } from '../../widget/types';
import { API, FakeChat, until } from './fake-api';
import { afterEach, beforeEach, describe, it } from './mocha';

describe('readEvents', () => {
  let fake: FakeChat;
  let stop: AbortController;
  let events: ChatEvent[];
  const api = () => new ChatApi(API, { get: async () => 'tok', refresh: async () => 'tok', renewable: false });
  beforeEach(() => {
    fake = new FakeChat().install();
    fake.valid.add('tok');
    stop = new AbortController();
    events = [];
  });
  afterEach(() => {
    stop.abort();
    fake.uninstall();
  });

  it('parses events split across chunks, with comments and several lines of data', async () => {
    void readEvents(api(), { signal: stop.signal, onEvent: (e) => events.push(e) });
    await until(() => fake.openStreams === 1);
    fake.pushRaw(': keep-alive\n\nid: 4\nevent: typ');
    fake.pushRaw('ing\ndata: {"roomId":1,\ndata: "userId":2}\n\n');
    fake.pushRaw('id: 5\nevent: read\ndata: {"roomId":1,"userId":2,"messageId":9}\n\n');
    await until(() => events.length === 2);
    expect(events).to.deep.equal([
      { id: '4', type: 'typing', data: { roomId: 1, userId: 2 } },
      { id: '5', type: 'read', data: { roomId: 1, userId: 2, messageId: 9 } },
    ]);
    expect(fake.requests('GET', '/events')[0].headers.get('authorization')).to.equal('Bearer tok');
  });

  it('replaces a connection that stays silent, resuming after the last event', async () => {
    const status: boolean[] = [];
    void readEvents(api(), { signal: stop.signal, stallMs: 200, onEvent: (e) => events.push(e), onStatus: (up) => status.push(up) });
    await until(() => fake.openStreams === 1);
    fake.push('typing', { roomId: 1, userId: 2, name: 'B' }, '41');
    await until(() => fake.requests('GET', '/events').length === 2, 'a new connection', 3000);
    expect(fake.requests('GET', '/events')[1].headers.get('last-event-id')).to.equal('41');
    expect(status.slice(0, 3)).to.deep.equal([true, false, true]);
  });

  it('comes back as soon as the server answers again, not at the end of its back-off', async () => {
    const client = api();
    const status: boolean[] = [];
    void readEvents(client, { signal: stop.signal, onEvent: (e) => events.push(e), onStatus: (up) => status.push(up) });
    await until(() => fake.openStreams === 1);
    // The server asks for 10 s between attempts, then goes away.
    fake.pushRaw('retry: 10000\n\n');
    fake.offline = true;
    fake.dropStreams();
    await until(() => status.length === 2);
    fake.offline = false;
    const asked = performance.now();
    await client.get('/me');
    await until(() => fake.openStreams === 1, 'the stream again', 3000);
    expect(performance.now() - asked).to.be.below(2000);
    expect(status).to.deep.equal([true, false, true]);
  });

  it('waits out its back-off when the server says it is busy', async () => {
    const client = api();
    void readEvents(client, { signal: stop.signal, onEvent: (e) => events.push(e) });
    await until(() => fake.openStreams === 1);
    fake.pushRaw('retry: 10000\n\n');
    fake.eventsStatus = 503;
    fake.dropStreams();
    // Woken by a request that succeeds, it tries again at once and is told to come back later...
    await client.get('/me');
    await until(() => fake.requests('GET', '/events').length === 2, 'the second attempt', 2000);
    // ...which it does, whatever else succeeds meanwhile.
    await client.get('/me');
    await new Promise((r) => setTimeout(r, 1500));
    expect(fake.requests('GET', '/events')).to.have.length(2);
  });
});
