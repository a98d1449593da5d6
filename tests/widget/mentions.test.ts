import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../widget/index';
import type { IppChat } from '../../widget/ipp-chat';
import { API, FakeChat, TOKEN_URL, until } from './fake-api';
import { all, deep } from './dom';
import { afterEach, beforeEach, describe, it } from './mocha';

describe('mentions in <ipp-chat>', () => {
  let fake: FakeChat;
  let notified: { title: string; body?: string }[];
  const realNotification = window.Notification;
  beforeEach(() => {
    fake = new FakeChat().install();
    notified = [];
    // Desktop notifications, allowed, recorded.
    window.Notification = Object.assign(function (this: object, title: string, opts?: NotificationOptions) {
      notified.push({ title, body: opts?.body });
      return { close() {} };
    }, { permission: 'granted', requestPermission: async () => 'granted' }) as unknown as typeof Notification;
  });
  afterEach(() => {
    fake.uninstall();
    window.Notification = realNotification;
  });

  async function mount() {
    const chat = await fixture<IppChat>(html`<ipp-chat api=${API} token-url=${TOKEN_URL}></ipp-chat>`);
    await until(() => fake.openStreams === 1, 'the event stream');
    return chat;
  }
  async function openTeam(chat: IppChat) {
    await chat.show(11);
    await until(() => all(chat, 'ipp-room-view', 'ipp-message-list', 'ipp-message').length, 'the messages');
    await until(() => deep(chat, 'ipp-room-view', 'ipp-composer'));
  }
  const textarea = (chat: IppChat) => deep<HTMLTextAreaElement>(chat, 'ipp-room-view', 'ipp-composer', 'textarea')!;
  const options = (chat: IppChat) => all(chat, 'ipp-room-view', 'ipp-composer', '[role=option]');
  const launcher = (chat: IppChat) => deep<HTMLButtonElement>(chat, '.launcher')!;

  it('suggests the members after @, chosen with the arrow keys and Enter, and sends <@ID> for the @Name shown', async () => {
    const chat = await mount();
    await openTeam(chat);
    const input = textarea(chat);
    input.focus();
    await sendKeys({ type: 'Merci @' });
    await until(() => options(chat).length === 3, 'everyone, Bruno and Chloé');
    expect(options(chat).map((o) => o.textContent!.trim())).to.deep.equal(['@tous tous les membres', '@Bruno Petit', '@Chloé Durand']);
    expect(input.getAttribute('aria-controls')).to.equal('mentions');
    expect(input.getAttribute('aria-autocomplete')).to.equal('list');
    await sendKeys({ type: 'ch' });
    await until(() => options(chat).length === 1, 'Chloé only (found without her accent)');
    await sendKeys({ press: 'Escape' });
    await until(() => options(chat).length === 0, 'the list closed');
    expect(chat.open).to.equal(true);
    await sendKeys({ press: 'Backspace' });
    await sendKeys({ press: 'Backspace' });
    await until(() => options(chat).length === 3, 'the three again');
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'ArrowDown' });
    await until(() => options(chat)[2]?.getAttribute('aria-selected') === 'true', 'the third one chosen');
    expect(input.getAttribute('aria-activedescendant')).to.equal(options(chat)[2].id);
    await sendKeys({ press: 'ArrowUp' });
    await sendKeys({ press: 'Enter' });
    expect(input.value).to.equal('Merci @Bruno Petit ');
    expect(options(chat)).to.have.length(0);
    await sendKeys({ type: 'et @chl' });
    await until(() => options(chat).length === 1);
    await sendKeys({ press: 'Tab' });
    expect(input.value).to.equal('Merci @Bruno Petit et @Chloé Durand ');
    await sendKeys({ press: 'Enter' });
    await until(() => fake.requests('POST', '/rooms/11/messages').length, 'the message sent');
    expect(fake.requests('POST', '/rooms/11/messages')[0].body.content).to.equal('Merci <@2> et <@3>');
  });

  it('shows mentions as names, as text, mine standing out, and someone else\'s <@all> as written', async () => {
    fake.addMessage(11, 2, '<@1> regarde <@3>, et <@9> <b>gras</b>', { mentions: [1, 3] });
    fake.addMessage(11, 3, '<@all> pause', { mentions: [] });
    fake.addMessage(11, 2, '👍🎉', {});
    const chat = await mount();
    await openTeam(chat);
    const [mention, all_, emoji] = all(chat, 'ipp-room-view', 'ipp-message-list', 'ipp-message').slice(-3);
    const text = mention.shadowRoot!.querySelector('.text')!;
    expect(text.textContent).to.equal('@Alice Martin regarde @Chloé Durand, et <@9> <b>gras</b>');
    expect([...text.querySelectorAll('.mention')].map((s) => [s.textContent, s.classList.contains('me')])).to.deep.equal([['@Alice Martin', true], ['@Chloé Durand', false]]);
    expect(text.querySelector('b')).to.equal(null);
    expect(all_.shadowRoot!.querySelector('.text')!.textContent).to.equal('<@all> pause');
    expect(emoji.shadowRoot!.querySelector('.text')!.classList.contains('jumbo')).to.equal(true);
    expect(mention.shadowRoot!.querySelector('.text')!.classList.contains('jumbo')).to.equal(false);
  });

  it('edits a message showing @Name, and sends it back as <@ID>', async () => {
    const mine = fake.addMessage(11, 1, 'Voir avec <@2>', { mentions: [2] });
    const chat = await mount();
    await openTeam(chat);
    const message = all(chat, 'ipp-room-view', 'ipp-message-list', 'ipp-message').find((m) => m.getAttribute('data-id') === String(mine.id))!;
    message.shadowRoot!.querySelector<HTMLButtonElement>('.actions button[aria-label="Modifier"]')!.click();
    await until(() => textarea(chat).value === 'Voir avec @Bruno Petit', 'the text to edit');
    textarea(chat).focus();
    await sendKeys({ type: ' demain' });
    await sendKeys({ press: 'Enter' });
    await until(() => fake.requests('PATCH', `/messages/${mine.id}`).length, 'the edit sent');
    expect(fake.requests('PATCH', `/messages/${mine.id}`)[0].body.content).to.equal('Voir avec <@2> demain');
  });

  it('puts "@" on the room and the launcher, and notifies a mention even in a muted room', async () => {
    const chat = await mount();
    await until(() => launcher(chat).getAttribute('aria-label'));
    // Room 12 ("Annonces") is muted: a plain message there says nothing.
    fake.receive(12, 3, 'Rappel pour tous');
    await until(() => fake.last(12)!.content === 'Rappel pour tous');
    await new Promise((r) => setTimeout(r, 100));
    expect(notified).to.deep.equal([]);
    expect(deep(chat, '[part~=mention]')).to.equal(null);
    const m = fake.addMessage(12, 3, '<@1> peux-tu valider ?', { mentions: [1] });
    fake.push('message.created', m);
    await until(() => notified.length, 'the notification');
    expect(notified).to.deep.equal([{ title: 'Chloé Durand vous a mentionné', body: '@Alice Martin peux-tu valider ?' }]);
    await until(() => deep(chat, '[part~=mention]'), 'the "@" on the launcher');
    expect(launcher(chat).getAttribute('aria-label')).to.match(/vous êtes mentionné$/);
    chat.show();
    const row = await until(() => all(chat, 'ipp-room-list', '[part=room]').find((r) => r.textContent!.includes('Annonces')));
    expect(row.querySelector('.at')!.textContent!.trim()).to.equal('@vous êtes mentionné');
    // Read, the mention no longer counts.
    await openTeam(chat);
    await chat.show(12);
    await until(() => !deep(chat, '[part~=mention]'), 'the "@" gone once read');
  });
});
