import { expect } from '@open-wc/testing';
import { ChatApi } from '../../widget/api';
import { ChatActions } from '../../widget/chat-actions';
import { ChatStore } from '../../widget/chat-store';
import { ChatSync } from '../../widget/chat-sync';
import { API, FakeChat, until } from './fake-api';
import { afterEach, beforeEach, describe, it } from './mocha';

describe('ChatStore', () => {
  let fake: FakeChat;
  let store: ChatStore;
  let sync: ChatSync;
  let actions: ChatActions;
  let updates: number;
  beforeEach(async () => {
    fake = new FakeChat().install();
    fake.valid.add('tok');
    updates = 0;
    const host = { addController() {}, removeController() {}, requestUpdate: () => updates++, updateComplete: Promise.resolve(true) };
    store = new ChatStore(host);
    sync = new ChatSync(host, store);
    actions = new ChatActions(store, sync);
    sync.begin(new ChatApi(API, { get: async () => 'tok', refresh: async () => 'tok', renewable: false }));
    await sync.load();
    await sync.open(11);
  });
  afterEach(() => {
    store.hostDisconnected();
    sync.hostDisconnected();
    fake.uninstall();
  });

  const contents = () => store.page!.messages.map((m) => m.content);

  it('shows one message when the live echo arrives before the POST answers', async () => {
    actions.send(11, { content: 'vu', files: [] });
    const pending = store.page!.messages.at(-1)!;
    expect(pending.status).to.equal('sending');
    // The server's event for this clientId comes first…
    const echo = fake.addMessage(11, 1, 'vu', { clientId: pending.clientId });
    sync.apply({ id: '1', type: 'message.created', data: echo });
    expect(contents().filter((c) => c === 'vu')).to.have.length(1);
    expect(store.page!.messages.at(-1)!.status).to.equal(undefined);
    // …then the POST's 200 with the same message.
    await until(() => fake.requests('POST', '/rooms/11/messages').length);
    await new Promise((r) => setTimeout(r, 50));
    expect(contents().filter((c) => c === 'vu')).to.have.length(1);
    expect(store.rooms.find((r) => r.id === 11)!.lastMessage!.content).to.equal('vu');
  });

  it('keeps a message that arrives while the room is loading', async () => {
    const opening = sync.open(10);
    const live = { ...fake.last(10)!, id: 5000, content: 'pendant le chargement', createdAt: new Date().toISOString() };
    sync.apply({ id: '7', type: 'message.created', data: live });
    await opening;
    expect(contents().slice(-2)).to.deep.equal(['Bonjour Bruno', 'pendant le chargement']);
    expect(store.page!.loading).to.equal(undefined);
  });

  it('applies edits, deletions, read markers and typing from the live feed', async () => {
    const [m] = store.page!.messages;
    sync.apply({ type: 'message.updated', data: { ...m, content: 'Le conteneur arrive mardi', editedAt: new Date().toISOString() } });
    expect(store.page!.messages[0].editedAt).to.be.a('string');
    expect(store.rooms.find((r) => r.id === 11)!.lastMessage!.content).to.equal('Le conteneur arrive mardi');
    sync.apply({ type: 'message.deleted', data: { id: m.id, roomId: 11 } });
    expect(store.page!.messages[0]).to.include({ content: '' });
    expect(store.page!.messages[0].deletedAt).to.be.a('string');
    sync.apply({ type: 'read', data: { roomId: 11, userId: 2, messageId: 999 } });
    expect(store.members.find((x) => x.userId === 2)!.lastReadMessageId).to.equal(999);
    sync.apply({ type: 'typing', data: { roomId: 11, userId: 3, name: 'Chloé Durand' } });
    expect([...store.typing.values()].map((t) => t.name)).to.deep.equal(['Chloé Durand']);
    sync.apply({ type: 'message.created', data: fake.addMessage(11, 3, 'fini') });
    expect(store.typing.size).to.equal(0);
  });

  it('counts messages from others in rooms not on screen, not my own, and not muted rooms in the total', async () => {
    const unread = () => store.rooms.find((r) => r.id === 10)!.unreadCount;
    expect(store.unreadTotal).to.equal(1);
    sync.apply({ type: 'message.created', data: fake.addMessage(10, 2, 'a') });
    sync.apply({ type: 'message.created', data: fake.addMessage(10, 1, 'b') });
    expect(unread()).to.equal(1);
    sync.apply({ type: 'message.created', data: fake.addMessage(12, 3, 'muted room') });
    expect(store.unreadTotal).to.equal(2);
    // Read in another tab: the server's read event for me clears the count here too.
    sync.apply({ type: 'read', data: { roomId: 10, userId: 1, messageId: fake.last(10)!.id } });
    expect(unread()).to.equal(0);
    expect(store.rooms[0].id).to.equal(12);
  });

  it('counts a replayed message once when the room list already counts it', async () => {
    const unread = () => store.rooms.find((r) => r.id === 10)!.unreadCount;
    const replayed = fake.addMessage(10, 2, 'déjà dans la liste');
    await sync.loadRooms();
    const counted = unread();
    sync.apply({ type: 'message.created', data: replayed });
    expect(unread()).to.equal(counted);
    sync.apply({ type: 'message.created', data: fake.addMessage(10, 2, 'nouveau') });
    expect(unread()).to.equal(counted + 1);
  });
});
