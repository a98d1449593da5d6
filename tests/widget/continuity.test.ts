import { expect, fixture, html } from '@open-wc/testing';
import '../../widget/index';
import type { IppChat } from '../../widget/ipp-chat';
import { API, FakeChat, TOKEN_URL, jwt, until } from './fake-api';
import { deep } from './dom';
import { afterEach, beforeEach, describe, it } from './mocha';

const bubbles = (chat: IppChat) =>
  [...(deep(chat, 'ipp-room-view', 'ipp-message-list')?.shadowRoot?.querySelectorAll('ipp-message') ?? [])].map(
    (m) => m.shadowRoot!.querySelector('.bubble')!.textContent!,
  );
const textarea = (chat: IppChat) => deep<HTMLTextAreaElement>(chat, 'ipp-room-view', 'ipp-composer', 'textarea');
const scroller = (chat: IppChat) => deep(chat, 'ipp-room-view', 'ipp-message-list', '.scroller')!;

describe('<ipp-chat> across page loads', () => {
  let fake: FakeChat;
  let chat: IppChat | undefined;
  beforeEach(() => {
    fake = new FakeChat().install();
  });
  afterEach(() => {
    chat?.remove();
    fake.uninstall();
  });

  async function mount(attrs = html`<ipp-chat api=${API} token-url=${TOKEN_URL}></ipp-chat>`) {
    chat = await fixture<IppChat>(attrs);
    await until(() => fake.openStreams === 1, 'the event stream');
    return chat;
  }

  /** What the browser does between two pages: pagehide, then the element is gone with its page. */
  async function leave() {
    dispatchEvent(new PageTransitionEvent('pagehide'));
    chat!.remove();
    chat = undefined;
    await until(() => fake.openStreams === 0, 'the stream to close');
    // The Web Lock of the old page is released once its stream has ended.
    await until(async () => !(await navigator.locks.query()).held?.length, 'the lock to be released');
    fake.log = [];
  }

  it('restores the open panel and room, its messages, the draft, the reply and the scroll position, without fetching them again', async () => {
    for (let i = 0; i < 40; i++) fake.addMessage(11, 2 + (i % 2), `Ligne ${i} du dossier`);
    await mount();
    await chat!.show(11);
    await until(() => bubbles(chat!).length >= 41, 'the messages');
    await until(() => fake.requests('POST', '/rooms/11/read').length, 'the read marker');
    const lastId = fake.push('typing', { roomId: 12, userId: 3, name: 'Chloé' }); // the last event id the page saw
    const input = textarea(chat!)!;
    input.value = 'Je regarde la facture';
    input.dispatchEvent(new Event('input'));
    const message = deep(chat!, 'ipp-room-view', 'ipp-message-list', 'ipp-message:nth-of-type(3)')!;
    const quoted = message.shadowRoot!.querySelector('.bubble')!.textContent!.trim().split('\n')[0];
    const reply = message.shadowRoot!.querySelector<HTMLButtonElement>('button[aria-label="Répondre"]')!;
    reply.click();
    await until(() => deep(chat!, 'ipp-room-view', 'ipp-composer', '.context'), 'the reply in progress');
    const s = scroller(chat!);
    s.scrollTop = 200;
    s.dispatchEvent(new Event('scroll'));
    await leave();

    const next = document.createElement('ipp-chat') as IppChat;
    Object.assign(next, { api: API, tokenUrl: TOKEN_URL });
    chat = next;
    document.body.append(next);
    // Painted from the cache: the panel, the room and its messages, before any request for them.
    await until(() => bubbles(next).length >= 41, 'the cached messages');
    expect(next.open).to.equal(true);
    expect(fake.requests('GET', /^\/rooms/)).to.deep.equal([]);
    expect(textarea(next)!.value).to.equal('Je regarde la facture');
    expect(deep(next, 'ipp-room-view', 'ipp-composer', '.context')!.textContent).to.contain(quoted);
    await until(() => Math.abs(scroller(next).scrollTop - 200) < 2, 'the scroll position');
    // Brought up to date by the feed from where the old page left it, not by fetching the list and the room again.
    await until(() => fake.openStreams === 1, 'the event stream');
    expect(fake.requests('GET', '/events')[0].headers.get('last-event-id')).to.equal(lastId);
    expect(fake.requests('GET', /^\/rooms/)).to.deep.equal([]);
    fake.receive(11, 3, 'Arrivé pendant la navigation');
    await until(() => bubbles(next).at(-1)?.includes('Arrivé pendant la navigation'), 'the live message');
  });

  it('keeps each room\'s draft when going from room to room in the same page', async () => {
    await mount();
    await chat!.show(10);
    await until(() => textarea(chat!), 'the composer');
    textarea(chat!)!.value = 'Pour Bruno';
    textarea(chat!)!.dispatchEvent(new Event('input'));
    await chat!.show(11);
    await until(() => textarea(chat!) && !textarea(chat!)!.value && bubbles(chat!).some((b) => b.includes('conteneur')), 'room 11');
    await chat!.show(10);
    await until(() => textarea(chat!)?.value === 'Pour Bruno', 'the draft of room 10');
  });

  it('shows nothing of the previous user to another one, and forgets it', async () => {
    await mount();
    await chat!.show(11);
    await until(() => bubbles(chat!).length, 'the messages');
    textarea(chat!)!.value = 'secret';
    textarea(chat!)!.dispatchEvent(new Event('input'));
    fake.push('typing', { roomId: 12, userId: 3, name: 'Chloé' }, '3');
    await leave();
    expect(sessionStorage.length).to.equal(1);

    // Bruno logs in on the same tab: his token says sub 2.
    const token = jwt({ sub: '2', exp: Math.floor(Date.now() / 1000) + 3600 });
    fake.valid.add(token);
    fake.me = fake.user(2);
    const next = await mount(html`<ipp-chat api=${API} token=${token}></ipp-chat>`);
    await until(() => fake.requests('GET', '/rooms').length, 'his own room list');
    await next.updateComplete;
    expect(next.open).to.equal(false);
    next.open = true;
    await next.updateComplete;
    expect(deep(next, 'ipp-room-view')).to.equal(null);
    expect(fake.requests('GET', '/events')[0].headers.get('last-event-id')).to.equal(null);
    expect(JSON.stringify(sessionStorage)).not.to.contain('secret');
  });

  it('warns before leaving while a message is on its way, and sends it after the reload with the same clientId, once', async () => {
    await mount();
    await chat!.show(11);
    await until(() => textarea(chat!), 'the composer');
    fake.offline = true;
    textarea(chat!)!.value = 'Envoyé hors ligne';
    textarea(chat!)!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
    await until(() => bubbles(chat!).some((b) => b.includes('Envoyé hors ligne')), 'the pending message');
    const unload = new Event('beforeunload', { cancelable: true });
    dispatchEvent(unload);
    expect(unload.defaultPrevented).to.equal(true);
    fake.offline = false;
    const clientId = (JSON.parse(sessionStorage.getItem(sessionStorage.key(0) ?? '') ?? 'null') ?? {}).store?.outbox?.[0]?.clientId;
    dispatchEvent(new PageTransitionEvent('pagehide'));
    const saved = JSON.parse(sessionStorage.getItem(sessionStorage.key(0)!)!);
    expect(saved.store.outbox.map((m: { content: string }) => m.content)).to.deep.equal(['Envoyé hors ligne']);
    expect(clientId ?? saved.store.outbox[0].clientId).to.be.a('string');
    chat!.remove();
    chat = undefined;
    fake.log = [];

    await mount();
    await until(() => fake.messages.some((m) => m.content === 'Envoyé hors ligne'), 'the message to arrive');
    const posts = fake.requests('POST', '/rooms/11/messages');
    expect(posts.map((p) => p.body.clientId)).to.deep.equal([saved.store.outbox[0].clientId]);
    await until(() => bubbles(chat!).filter((b) => b.includes('Envoyé hors ligne')).length === 1, 'one copy');
    await new Promise((r) => setTimeout(r, 200));
    expect(bubbles(chat!).filter((b) => b.includes('Envoyé hors ligne'))).to.have.length(1);
    const calm = new Event('beforeunload', { cancelable: true });
    dispatchEvent(calm);
    expect(calm.defaultPrevented).to.equal(false);
  });

  it('keeps a refused message with its Retry action across the reload, without sending it again by itself', async () => {
    await mount();
    await chat!.show(11);
    await until(() => textarea(chat!), 'the composer');
    fake.failSend = 403;
    textarea(chat!)!.value = 'Refusé par le serveur';
    textarea(chat!)!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
    const retry = () =>
      [...(deep(chat!, 'ipp-room-view', 'ipp-message-list')?.shadowRoot?.querySelectorAll('ipp-message') ?? [])]
        .flatMap((m) => [...m.shadowRoot!.querySelectorAll('button')])
        .find((b) => b.textContent?.includes('Réessayer'));
    await until(retry, 'the Retry action');
    const unload = new Event('beforeunload', { cancelable: true });
    dispatchEvent(unload);
    expect(unload.defaultPrevented).to.equal(true);
    fake.failSend = undefined;
    await leave();

    await mount();
    await until(retry, 'the Retry action after the reload');
    expect(fake.requests('POST', '/rooms/11/messages')).to.deep.equal([]);
    retry()!.click();
    await until(() => fake.messages.some((m) => m.content === 'Refusé par le serveur'), 'the message sent on Retry');
  });
});

describe('<ipp-chat> on a host record\'s page', () => {
  let fake: FakeChat;
  beforeEach(() => {
    fake = new FakeChat().install();
  });
  afterEach(() => fake.uninstall());

  const record = (url = '/factures/2025-0042') => html`<ipp-chat
    api=${API}
    token-url=${TOKEN_URL}
    open
    context-type="invoice"
    context-id="2025-0042"
    context-label="Facture 2025-0042"
    context-url=${url}
  ></ipp-chat>`;
  const offer = (chat: IppChat) =>
    [...(deep(chat, 'ipp-room-list')?.shadowRoot?.querySelectorAll('button') ?? [])].find((b) => b.textContent === 'Discuter de Facture 2025-0042');

  it('offers "Discuter de Facture 2025-0042", creates the record\'s room with its binding, and links back to the record', async () => {
    const chat = await fixture<IppChat>(record());
    (await until(() => offer(chat), 'the offer')).click();
    await until(() => deep(chat, 'ipp-room-view'), 'the room');
    const [post] = fake.requests('POST', '/rooms');
    expect(post.body).to.deep.equal({
      type: 'group', name: 'Facture 2025-0042', memberIds: [],
      context: { type: 'invoice', id: '2025-0042', label: 'Facture 2025-0042', url: '/factures/2025-0042' },
    });
    const link = await until(() => deep<HTMLAnchorElement>(chat, 'ipp-room-view', '.record a'), 'the link to the record');
    expect(link.getAttribute('href')).to.equal('/factures/2025-0042');
    expect(link.textContent).to.contain('Facture 2025-0042');

    // Back in the list, the record's room is the one offered again: no second room.
    deep<HTMLButtonElement>(chat, 'ipp-room-view', '.bar button')!.click();
    (await until(() => offer(chat), 'the offer again')).click();
    await until(() => deep(chat, 'ipp-room-view'), 'the room again');
    expect(fake.requests('POST', '/rooms')).to.have.length(1);
    chat.remove();
  });

  it('shows the record label in the list, and never links a javascript: URL', async () => {
    fake.addRoom({ id: 30, type: 'group', name: 'Litige transporteur', context: { type: 'invoice', id: '2025-0007', label: 'Facture 2025-0007', url: 'javascript:alert(1)' } }, [1, 2]);
    const chat = await fixture<IppChat>(html`<ipp-chat api=${API} token-url=${TOKEN_URL} open></ipp-chat>`);
    const row = await until(
      () => [...(deep(chat, 'ipp-room-list')?.shadowRoot?.querySelectorAll('[part=room]') ?? [])].find((r) => r.textContent!.includes('Litige')),
      'the row',
    );
    expect(row.textContent).to.contain('Facture 2025-0007');
    await chat.show(30);
    const header = await until(() => deep(chat, 'ipp-room-view', '.record'), 'the record bar');
    expect(header.textContent).to.contain('Facture 2025-0007');
    expect(header.querySelector('a')).to.equal(null);
    chat.remove();
  });

  it('tells someone who is not in the record\'s room to ask to be added, and opens nothing', async () => {
    fake.foreignRecords = ['2025-0042'];
    const chat = await fixture<IppChat>(record());
    (await until(() => offer(chat), 'the offer')).click();
    const alert = await until(() => deep(chat, '[role=alert]'), 'the message');
    expect(alert.textContent).to.contain('demandez à un collègue de vous y ajouter');
    expect(deep(chat, 'ipp-room-view')).to.equal(null);
    chat.remove();
  });

  it('offers nothing without the record attributes, nor to a reader without the right to create it', async () => {
    const plain = await fixture<IppChat>(html`<ipp-chat api=${API} token-url=${TOKEN_URL} open></ipp-chat>`);
    await until(() => deep(plain, 'ipp-room-list')?.shadowRoot?.querySelector('[part=room]'), 'the list');
    expect(offer(plain)).to.equal(undefined);
    plain.remove();
    fake.perms = ['chat.read', 'chat.create'];
    const reader = await fixture<IppChat>(record());
    await until(() => deep(reader, 'ipp-room-list')?.shadowRoot?.querySelector('[part=room]'), 'the list');
    await reader.updateComplete;
    expect(offer(reader)).to.equal(undefined);
    reader.remove();
  });
});
