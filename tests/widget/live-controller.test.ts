import { expect } from '@open-wc/testing';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ChatApi } from '../../widget/api';
import { LiveController } from '../../widget/live-controller';
import type { ChatEvent } from '../../widget/types';
import { API, FakeChat, until } from './fake-api';
import { afterEach, beforeEach, describe, it } from './mocha';

/** A browser tab's widget, as far as the live stream is concerned. */
class Tab implements ReactiveControllerHost {
  events: ChatEvent[] = [];
  private controllers: ReactiveController[] = [];
  live = new LiveController(this, (e) => this.events.push(e));
  addController(c: ReactiveController) {
    this.controllers.push(c);
  }
  removeController() {}
  requestUpdate() {}
  get updateComplete() {
    return Promise.resolve(true);
  }
  /** The tab closes. */
  close() {
    this.controllers.forEach((c) => c.hostDisconnected?.());
  }
}

describe('LiveController: one event stream per browser', () => {
  let fake: FakeChat;
  let tabs: Tab[];
  beforeEach(() => {
    fake = new FakeChat().install();
    fake.valid.add('t');
    tabs = [];
  });
  afterEach(() => {
    tabs.forEach((t) => t.close());
    fake.uninstall();
  });

  const api = () => new ChatApi(API, { get: async () => 't', refresh: async () => 't', renewable: false });
  function open(n: number) {
    for (let i = 0; i < n; i++) {
      const tab = new Tab();
      tab.live.start(api(), 1);
      tabs.push(tab);
    }
  }

  it('opens a single stream for four tabs and delivers each event to all of them, once', async () => {
    open(4);
    await until(() => fake.openStreams === 1, 'the stream');
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.requests('GET', '/events')).to.have.length(1);
    expect(tabs.filter((t) => t.live.leader)).to.have.length(1);
    fake.push('typing', { roomId: 10, userId: 2, name: 'Bruno' });
    fake.push('read', { roomId: 10, userId: 1, messageId: 101 });
    await until(() => tabs.every((t) => t.events.length === 2), 'delivery to every tab');
    for (const t of tabs) expect(t.events.map((e) => e.type)).to.deep.equal(['typing', 'read']);
  });

  it('hands the stream to another tab when the leader closes, resuming after the last event', async () => {
    open(2);
    await until(() => fake.openStreams === 1);
    const id = fake.push('typing', { roomId: 10, userId: 2, name: 'Bruno' });
    await until(() => tabs.every((t) => t.events.length === 1));
    const [leader, other] = tabs[0].live.leader ? tabs : [tabs[1], tabs[0]];
    leader.close();
    await until(() => other.live.leader && fake.openStreams === 1, 'the takeover');
    expect(fake.requests('GET', '/events').at(-1)!.headers.get('last-event-id')).to.equal(id);
    fake.push('read', { roomId: 10, userId: 1, messageId: 101 });
    await until(() => other.events.length === 2);
    expect(leader.events).to.have.length(1);
  });
});
