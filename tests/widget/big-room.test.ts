import { expect, fixture, html } from '@open-wc/testing';
import '../../widget/index';
import type { IppChat } from '../../widget/ipp-chat';
import { API, FakeChat, TOKEN_URL, until } from './fake-api';
import { all, deep } from './dom';
import { afterEach, beforeEach, describe, it } from './mocha';

/** A channel of 250 members: the room answer carries the first 100, the rest are paged. */
describe('a room of 250 members', () => {
  let fake: FakeChat;
  beforeEach(() => {
    fake = new FakeChat().install();
    fake.addBigRoom(30, 250);
  });
  afterEach(() => fake.uninstall());

  async function open() {
    const chat = await fixture<IppChat>(html`<ipp-chat api=${API} token-url=${TOKEN_URL} open></ipp-chat>`);
    await until(() => deep(chat, 'ipp-room-list', '[part=room]'), 'the room list');
    await chat.show(30);
    await until(() => deep(chat, 'ipp-room-view', 'ipp-message-list', 'ipp-message'), 'the messages');
    return chat;
  }
  const tick = (chat: IppChat) => deep(chat, 'ipp-room-view', 'ipp-message-list', 'ipp-message', '.ticks')?.getAttribute('aria-label');

  it('lists its first members in the settings, counts them all, and loads more on "Voir plus"', async () => {
    const chat = await open();
    deep(chat, 'ipp-room-view')!.shadowRoot!.querySelector<HTMLButtonElement>('[aria-label="Paramètres"]')!.click();
    const settings = await until(() => deep(chat, 'ipp-room-settings'), 'the settings');
    const items = () => all(chat, 'ipp-room-settings', 'li').length;
    const more = () => settings.shadowRoot!.querySelector<HTMLButtonElement>('button.more');
    await until(() => items() === 100, 'the first members');
    expect([...settings.shadowRoot!.querySelectorAll('h3')].map((h) => h.textContent)).to.include('Membres (250)');
    expect(more()!.textContent!.trim()).to.equal('Voir plus');
    more()!.click();
    await until(() => items() === 200, 'the next page');
    expect(fake.requests('GET', '/rooms/30/members').map((r) => new URL(r.url).search)).to.deep.equal(['?after=1096&limit=100']);
    const names = all(chat, 'ipp-room-settings', 'li .who').map((e) => e.textContent);
    expect(names.slice(98, 102).join(', ')).to.equal('Membre 1095, Membre 1096, Membre 1097, Membre 1098');
    more()!.click();
    await until(() => items() === 250, 'the last page');
    expect(more()).to.equal(null);
    expect([...settings.shadowRoot!.querySelectorAll('h3')].map((h) => h.textContent)).to.include('Membres (250)');
  });

  it('shows my message read by all when the server says everyone read it', async () => {
    const chat = await open();
    await until(() => tick(chat) === 'Lu par tous', 'read by all');
  });

  it('counts the readers it knows as a floor while someone not loaded has not read', async () => {
    fake.member(30, 1200).lastReadMessageId = null;
    const chat = await open();
    // Bruno, Chloé and the 97 other members loaded have read it; the 150 not loaded are unknown.
    await until(() => tick(chat) === 'Lu par au moins 99', 'a floor');
    expect(deep(chat, 'ipp-room-view', 'ipp-message-list', 'ipp-message', '.ticks')!.textContent).to.equal('✓');
  });

  it('suggests members not loaded to mention, found by the server, and sends their id', async () => {
    const chat = await open();
    const input = deep<HTMLTextAreaElement>(chat, 'ipp-room-view', 'ipp-composer', 'textarea')!;
    input.focus();
    input.value = 'Merci @membre 124';
    input.dispatchEvent(new Event('input'));
    const options = () => all(chat, 'ipp-room-view', 'ipp-composer', '[role=option]').map((o) => o.textContent);
    await until(() => options().length > 0, 'the suggestions');
    expect(options().join(', ')).to.equal('@Membre 1240, @Membre 1241, @Membre 1242, @Membre 1243, @Membre 1244, @Membre 1245, @Membre 1246');
    expect(fake.requests('GET', '/rooms/30/members').map((r) => new URL(r.url).searchParams.get('q'))).to.deep.equal(['membre 124']);
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
    await until(() => input.value === 'Merci @Membre 1240 ', 'the name inserted');
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
    await until(() => fake.requests('POST', '/rooms/30/messages').length === 1, 'sent');
    expect(fake.requests('POST', '/rooms/30/messages')[0].body.content).to.equal('Merci <@1240>');
  });
});
