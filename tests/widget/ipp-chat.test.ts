import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../widget/index';
import type { IppChat } from '../../widget/ipp-chat';
import { API, FakeChat, TOKEN_URL, until } from './fake-api';
import { all, deep } from './dom';
import { afterEach, beforeEach, describe, it } from './mocha';

describe('<ipp-chat>', () => {
  let fake: FakeChat;
  beforeEach(() => {
    fake = new FakeChat().install();
  });
  afterEach(() => fake.uninstall());

  async function mount(attrs = html`<ipp-chat api=${API} token-url=${TOKEN_URL}></ipp-chat>`) {
    const chat = await fixture<IppChat>(attrs);
    await until(() => fake.openStreams === 1, 'the event stream');
    return chat;
  }

  async function openRoom(chat: IppChat, roomId: number) {
    await chat.show(roomId);
    await until(() => all(chat, 'ipp-room-view', 'ipp-message-list', 'ipp-message').length, 'messages');
  }

  const launcher = (chat: IppChat) => deep<HTMLButtonElement>(chat, '.launcher')!;
  const messages = (chat: IppChat) =>
    all(chat, 'ipp-room-view', 'ipp-message-list', 'ipp-message').map((m) => m.shadowRoot!.querySelector('.bubble')!.textContent!);

  it('shows the unread total of unmuted rooms on the launcher and tells the host', async () => {
    const chat = document.createElement('ipp-chat') as IppChat;
    Object.assign(chat, { api: API, tokenUrl: TOKEN_URL });
    const unread = oneEvent(chat, 'ipp-chat-unread');
    document.body.append(chat);
    // Room 11 has one unread message; room 12 has one too, but it is muted.
    expect((await unread).detail).to.deep.equal({ count: 1 });
    await chat.updateComplete;
    expect(deep(chat, '[part=badge]')!.textContent).to.equal('1');
    expect(launcher(chat).getAttribute('aria-label')).to.equal('Ouvrir la messagerie, 1 message non lu');
    chat.remove();
  });

  it('counts a live message in a room that is not open, and fires ipp-chat-unread', async () => {
    const chat = await mount();
    await until(() => chat.shadowRoot!.querySelector('[part=badge]'));
    const event = oneEvent(chat, 'ipp-chat-unread');
    fake.receive(10, 2, 'Tu as vu le devis ?');
    expect((await event).detail.count).to.equal(2);
    await chat.updateComplete;
    expect(deep(chat, '[part=badge]')!.textContent).to.equal('2');
  });

  it('opens with Enter and closes with Escape, giving the focus back to the launcher', async () => {
    const chat = await mount();
    launcher(chat).focus();
    await sendKeys({ press: 'Enter' });
    await chat.updateComplete;
    expect(chat.open).to.equal(true);
    const panel = deep(chat, '[part=panel]')!;
    expect(panel.getAttribute('role')).to.equal('dialog');
    expect(launcher(chat).getAttribute('aria-expanded')).to.equal('true');
    // The panel's elements load on first open.
    (await until(() => deep<HTMLInputElement>(chat, 'ipp-room-list', 'input'), 'the list')).focus();
    await sendKeys({ press: 'Escape' });
    await chat.updateComplete;
    expect(chat.open).to.equal(false);
    expect(chat.shadowRoot!.activeElement).to.equal(launcher(chat));
  });

  it('moves the focus along: list search on open, composer in a room, list again on Back', async () => {
    const chat = await mount();
    launcher(chat).focus();
    await sendKeys({ press: 'Enter' });
    await until(() => deep(chat, 'ipp-room-list')?.shadowRoot!.activeElement?.matches('input[type=search]'), 'focus on the search');
    const row = await until(() => all(chat, 'ipp-room-list', '[part=room]')[1] as HTMLButtonElement | undefined);
    row.focus();
    await sendKeys({ press: 'Enter' });
    const composer = await until(() => deep(chat, 'ipp-room-view', 'ipp-composer'), 'the room');
    await until(() => composer.shadowRoot!.activeElement?.matches('textarea'), 'focus in the composer');
    deep<HTMLButtonElement>(chat, 'ipp-room-view', `[aria-label="Retour"]`)!.click();
    await until(() => deep(chat, 'ipp-room-list')?.shadowRoot!.activeElement, 'focus back in the list');
  });

  it('notifies about messages in rooms not open and not muted, and shows the count in the title', async () => {
    const shown: { title: string; body?: string }[] = [];
    const RealNotification = window.Notification;
    (window as any).Notification = class {
      static permission = 'granted';
      constructor(title: string, options: NotificationOptions) {
        shown.push({ title, body: options.body });
      }
    };
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    const title = document.title;
    document.title = 'Dossiers';
    try {
      const chat = await mount(html`<ipp-chat api=${API} token-url=${TOKEN_URL} title-badge></ipp-chat>`);
      await until(() => document.title === '(1) Dossiers', 'the title badge');
      fake.receive(12, 3, 'dans une salle en sourdine');
      fake.receive(10, 2, 'Tu as vu le devis ?');
      await until(() => shown.length, 'a notification');
      await new Promise((r) => setTimeout(r, 50));
      expect(shown).to.deep.equal([{ title: 'Nouveau message de Bruno Petit', body: 'Tu as vu le devis ?' }]);
      expect(deep(chat, '[role=status]')!.textContent).to.equal('Nouveau message de Bruno Petit');
      await until(() => document.title === '(2) Dossiers');
    } finally {
      window.Notification = RealNotification;
      delete (document as any).visibilityState;
      document.title = title;
    }
  });

  it('speaks English with lang="en", French by default', async () => {
    const chat = await mount();
    expect(launcher(chat).getAttribute('aria-label')).to.match(/^Ouvrir la messagerie/);
    chat.lang = 'en';
    await chat.show();
    await until(() => deep(chat, 'ipp-room-list', 'h2')?.textContent === 'Conversations');
    expect(launcher(chat).getAttribute('aria-label')).to.equal('Close chat, 1 unread message');
    expect(all(chat, 'ipp-room-list', '.filters button').map((b) => b.textContent)).to.deep.equal(['All', 'Unread', 'Groups', 'Direct']);
    // Marked, so that screen readers pronounce it as English on a French page.
    expect(deep(chat, '[part=panel]')!.getAttribute('lang')).to.equal('en');
  });

  it('keeps the host page CSS out', async () => {
    const style = document.createElement('style');
    style.textContent = 'button { background: red !important; color: lime !important } * { font-size: 40px !important }';
    document.head.append(style);
    try {
      const chat = await mount();
      const css = getComputedStyle(launcher(chat));
      expect(css.backgroundColor).to.equal('rgb(15, 43, 91)');
      expect(css.width).to.equal('56px');
    } finally {
      style.remove();
    }
  });

  it('is themed from the page through --ipp-chat-* properties and ::part()', async () => {
    const style = document.createElement('style');
    style.textContent = `ipp-chat { --ipp-chat-primary: rgb(0, 80, 0); --ipp-chat-bubble-mine: rgb(9, 9, 9) }
      ipp-chat::part(bubble) { border-radius: 3px } ipp-chat::part(launcher) { width: 64px }`;
    document.head.append(style);
    try {
      const chat = await mount();
      await openRoom(chat, 10);
      expect(getComputedStyle(launcher(chat)).width).to.equal('64px');
      expect(getComputedStyle(deep(chat, 'ipp-room-view', '[part=header]')!).backgroundColor).to.equal('rgb(0, 80, 0)');
      const mine = all(chat, 'ipp-room-view', 'ipp-message-list', 'ipp-message[mine]')[0];
      const bubble = getComputedStyle(mine.shadowRoot!.querySelector('[part=bubble]')!);
      expect([bubble.borderRadius, bubble.backgroundColor]).to.deep.equal(['3px', 'rgb(9, 9, 9)']);
    } finally {
      style.remove();
    }
  });

  it('sends the token in the Authorization header only, and renews it once after a 401', async () => {
    const chat = await mount();
    expect(fake.tokenFetches).to.equal(1);
    // The server forgets the token: concurrent calls all get 401, one renewal serves them.
    fake.valid.clear();
    await Promise.all([openRoom(chat, 11), chat.show(10)]);
    await until(() => fake.requests('GET', '/rooms/10/messages').some((r) => fake.valid.has(r.headers.get('authorization')!.slice(7))));
    expect(fake.tokenFetches).to.equal(2);
    for (const r of fake.log) {
      expect(r.headers.get('authorization')).to.match(/^Bearer \S+\.\S+\.\S+$/);
      expect(r.url).not.to.contain(r.headers.get('authorization')!.slice(7));
    }
  });

  it('works with a static token attribute', async () => {
    fake.valid.add('static.jwt.token');
    const chat = await mount(html`<ipp-chat api=${API} token="static.jwt.token"></ipp-chat>`);
    expect(fake.tokenFetches).to.equal(0);
    expect(chat).to.exist;
    expect(fake.requests('GET', '/me')[0].headers.get('authorization')).to.equal('Bearer static.jwt.token');
  });

  it('renders messages as text: markup and scripts from users are never parsed', async () => {
    fake.addMessage(11, 2, '<img src=x onerror="window.pwned=1"><b>gras</b> https://example.com/x');
    const chat = await mount();
    await openRoom(chat, 11);
    const msg = all(chat, 'ipp-room-view', 'ipp-message-list', 'ipp-message').at(-1)!;
    const bubble = msg.shadowRoot!.querySelector('.bubble')!;
    expect(bubble.querySelector('img, b')).to.equal(null);
    expect(bubble.textContent).to.contain('<img src=x onerror="window.pwned=1"><b>gras</b>');
    expect(bubble.querySelector('a')!.href).to.equal('https://example.com/x');
    expect((window as any).pwned).to.equal(undefined);
  });

  it('marks the open room read and clears its unread count', async () => {
    const chat = await mount();
    await openRoom(chat, 11);
    await until(() => fake.requests('POST', '/rooms/11/read').length, 'POST /read');
    expect(fake.requests('POST', '/rooms/11/read')[0].body).to.deep.equal({ messageId: fake.last(11)!.id });
    await until(() => !chat.shadowRoot!.querySelector('[part=badge]'), 'the badge to go');
  });

  it('marks the open room read when the panel is opened again over it', async () => {
    const chat = await mount();
    await openRoom(chat, 11);
    await until(() => fake.requests('POST', '/rooms/11/read').length === 1, 'the first POST /read');
    await chat.hide();
    const arrived = fake.receive(11, 2, 'Pendant que le panneau était fermé');
    await until(() => deep(chat, '[part=badge]')?.textContent === '1', 'the unread badge');
    await chat.show();
    await until(() => fake.requests('POST', '/rooms/11/read').length === 2, 'a POST /read on reopening');
    expect(fake.requests('POST', '/rooms/11/read')[1].body).to.deep.equal({ messageId: arrived.id });
    await until(() => !chat.shadowRoot!.querySelector('[part=badge]'), 'the badge to go');
  });

  it('sends with Enter: the message shows at once, then exactly once after the server echo', async () => {
    const chat = await mount();
    await openRoom(chat, 10);
    const textarea = deep<HTMLTextAreaElement>(chat, 'ipp-room-view', 'ipp-composer', 'textarea')!;
    textarea.focus();
    await sendKeys({ type: 'Première ligne' });
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Enter' });
    await sendKeys({ up: 'Shift' });
    await sendKeys({ type: 'seconde' });
    expect(fake.requests('POST', '/rooms/10/messages')).to.have.length(0);
    await sendKeys({ press: 'Enter' });
    await until(() => fake.requests('POST', '/rooms/10/messages').length);
    const sent = fake.requests('POST', '/rooms/10/messages')[0].body;
    expect(sent.content).to.equal('Première ligne\nseconde');
    expect(sent.clientId).to.match(/^[0-9a-f-]{36}$/);
    // Both the 201 and the SSE message.created came back: one message.
    await until(() => fake.log.length && messages(chat).filter((t) => t.includes('seconde')).length === 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(messages(chat).filter((t) => t.includes('Première ligne'))).to.have.length(1);
    expect(textarea.value).to.equal('');
  });

  it('keeps a reply in progress and the draft to their room', async () => {
    const chat = await mount();
    await openRoom(chat, 10);
    const message = all(chat, 'ipp-room-view', 'ipp-message-list', 'ipp-message')[0];
    message.shadowRoot!.querySelector<HTMLButtonElement>('.actions button')!.click();
    await until(() => deep(chat, 'ipp-room-view', 'ipp-composer', '.context'), 'the reply context');
    deep<HTMLTextAreaElement>(chat, 'ipp-room-view', 'ipp-composer', 'textarea')!.value = 'brouillon pour Bruno';
    await openRoom(chat, 11);
    expect(deep(chat, 'ipp-room-view', 'ipp-composer', '.context')).to.equal(null);
    expect(deep<HTMLTextAreaElement>(chat, 'ipp-room-view', 'ipp-composer', 'textarea')!.value).to.equal('');
  });

  it('keeps a message sent offline pending, and delivers it once with the same clientId', async () => {
    const chat = await mount();
    await openRoom(chat, 10);
    fake.offline = true;
    const composer = deep(chat, 'ipp-room-view', 'ipp-composer')!;
    composer.dispatchEvent(new CustomEvent('ipp-send', { detail: { content: 'hors ligne', files: [] }, bubbles: true, composed: true }));
    const pending = await until(() => all(chat, 'ipp-room-view', 'ipp-message-list', 'ipp-message').find((m) => m.shadowRoot!.textContent!.includes('hors ligne')));
    await until(() => pending.shadowRoot!.querySelector('[aria-label="Envoi…"]'), 'the pending mark');
    await new Promise((r) => setTimeout(r, 300));
    fake.offline = false;
    await until(() => fake.messages.some((m) => m.content === 'hors ligne'), 'delivery', 4000);
    await until(() => !pending.isConnected || !pending.shadowRoot!.querySelector('[aria-label="Envoi…"]'), 'confirmation');
    expect(fake.messages.filter((m) => m.content === 'hors ligne')).to.have.length(1);
    expect(messages(chat).filter((t) => t.includes('hors ligne'))).to.have.length(1);
  });

  it('offers a retry when the server refuses a message, and retries with the same clientId', async () => {
    const chat = await mount();
    await openRoom(chat, 10);
    fake.failSend = 403;
    fake.failFacts = { reason: 'permission', permission: 'chat.create' };
    deep(chat, 'ipp-room-view', 'ipp-composer')!.dispatchEvent(
      new CustomEvent('ipp-send', { detail: { content: 'refusé', files: [] }, bubbles: true, composed: true }),
    );
    const retry = await until(() =>
      all(chat, 'ipp-room-view', 'ipp-message-list', 'ipp-message')
        .at(-1)!
        .shadowRoot!.querySelector<HTMLButtonElement>('.actions.shown button'),
    );
    expect(retry.textContent).to.equal('Réessayer');
    // The refusal is worded by the widget from its code and reason, never with the server's English detail.
    expect(deep(chat, '.status')!.textContent).to.equal('Votre compte ne vous permet pas d’écrire.');
    fake.failSend = undefined;
    retry.click();
    await until(() => fake.messages.some((m) => m.content === 'refusé'));
    const posts = fake.requests('POST', '/rooms/10/messages');
    expect(posts).to.have.length(2);
    expect(posts[0].body.clientId).to.equal(posts[1].body.clientId);
  });

  it('uploads files as multipart (content, clientId, files) and shows the attachment', async () => {
    const chat = await mount();
    await openRoom(chat, 10);
    const file = new File(['%PDF-1.4'], 'devis.pdf', { type: 'application/pdf' });
    deep(chat, 'ipp-room-view', 'ipp-composer')!.dispatchEvent(
      new CustomEvent('ipp-send', { detail: { content: 'le devis', files: [file] }, bubbles: true, composed: true }),
    );
    const chip = await until(() => deep(all(chat, 'ipp-room-view', 'ipp-message-list', 'ipp-message').at(-1)!, 'ipp-attachment', '[part=file]'));
    const form = fake.requests('POST', '/rooms/10/messages')[0].body as FormData;
    expect(form.get('content')).to.equal('le devis');
    expect(form.get('clientId')).to.be.a('string');
    expect((form.get('files') as File).name).to.equal('devis.pdf');
    expect(chip.getAttribute('title')).to.equal('Télécharger devis.pdf');
  });

  it('takes dropped files into the composer, and tells the room I am typing (throttled)', async () => {
    const chat = await mount();
    await openRoom(chat, 10);
    const data = new DataTransfer();
    data.items.add(new File(['x'], 'quai.png', { type: 'image/png' }));
    const list = deep(chat, 'ipp-room-view', 'ipp-message-list')!;
    list.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, composed: true, cancelable: true }));
    list.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, composed: true, cancelable: true }));
    const composer = deep<HTMLElement & { files: File[] }>(chat, 'ipp-room-view', 'ipp-composer')!;
    expect(composer.files.map((f) => f.name)).to.deep.equal(['quai.png']);
    deep<HTMLTextAreaElement>(chat, 'ipp-room-view', 'ipp-composer', 'textarea')!.focus();
    await sendKeys({ type: 'abc' });
    await until(() => fake.requests('POST', '/rooms/10/typing').length);
    expect(fake.requests('POST', '/rooms/10/typing')).to.have.length(1);
  });

  it('shows who is typing in the open room', async () => {
    const chat = await mount();
    await openRoom(chat, 11);
    fake.push('typing', { roomId: 11, userId: 3, name: 'Chloé Durand' });
    await until(() => deep(chat, 'ipp-room-view', '.typing')!.textContent === 'Chloé Durand écrit…', 'the typing line');
  });

  it('reconnects with Last-Event-ID after the stream drops, and refetches after reset', async () => {
    await mount();
    const id = fake.push('typing', { roomId: 10, userId: 2, name: 'Bruno Petit' });
    await new Promise((r) => setTimeout(r, 50));
    fake.dropStreams();
    await until(() => fake.requests('GET', '/events').length === 2, 'a reconnection', 4000);
    expect(fake.requests('GET', '/events')[1].headers.get('last-event-id')).to.equal(id);
    const before = fake.requests('GET', '/rooms').length;
    await until(() => fake.openStreams === 1);
    fake.push('reset', {});
    await until(() => fake.requests('GET', '/rooms').length > before, 'GET /rooms after reset');
  });

  it('acts from the room settings through the store: the new name and role show without fetching the room again', async () => {
    const chat = await fixture<IppChat>(html`<ipp-chat api=${API} token-url=${TOKEN_URL}></ipp-chat>`);
    await openRoom(chat, 11);
    deep<HTMLButtonElement>(chat, 'ipp-room-view', '[aria-label="Paramètres"]')!.click();
    const form = await until(() => deep<HTMLFormElement>(chat, 'ipp-room-settings', 'form'), 'the settings');
    // A feed lagging behind: what shows comes from the answers to the actions themselves.
    fake.quiet = true;
    const fetched = fake.requests('GET', '/rooms/11').length;
    deep<HTMLInputElement>(chat, 'ipp-room-settings', 'input[name=name]')!.value = 'Équipe transit';
    form.requestSubmit();
    const select = deep<HTMLSelectElement>(chat, 'ipp-room-settings', 'select')!;
    select.value = 'moderator';
    select.dispatchEvent(new Event('change'));
    await until(() => deep<HTMLSelectElement>(chat, 'ipp-room-settings', 'select')?.value === 'moderator' && fake.requests('PATCH', '/rooms/11').length, 'the role');
    deep<HTMLButtonElement>(chat, 'ipp-room-settings', '[aria-label="Retour"]')!.click();
    await until(() => deep(chat, 'ipp-room-view', 'h2')?.textContent?.includes('Équipe transit'), 'the new name in the header');
    expect(fake.requests('GET', '/rooms/11').length).to.equal(fetched);
  });
});
