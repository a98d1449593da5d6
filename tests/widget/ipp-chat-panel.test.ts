import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../widget/index';
import type { IppChat } from '../../widget/ipp-chat';
import { API, FakeChat, TOKEN_URL, until } from './fake-api';
import { all, deep } from './dom';
import { afterEach, beforeEach, describe, it } from './mocha';

/** The conversation page: <ipp-chat mode="page"> filling a host's container. */
describe('<ipp-chat-panel> in page mode', () => {
  let fake: FakeChat;
  beforeEach(() => {
    fake = new FakeChat().install();
  });
  afterEach(() => fake.uninstall());

  async function page(width: number, room?: number) {
    const box = await fixture<HTMLDivElement>(html`<div style="width: ${width}px; height: 640px; display: flex">
      <ipp-chat style="flex: 1" mode="page" api=${API} token-url=${TOKEN_URL} room=${room ?? ''}></ipp-chat>
    </div>`);
    const chat = box.querySelector('ipp-chat') as IppChat;
    if (room === undefined) chat.removeAttribute('room');
    await until(() => fake.openStreams === 1, 'the event stream');
    await until(() => deep(chat, 'ipp-room-list'), 'the list');
    return chat;
  }
  const view = (chat: IppChat) => deep(chat, 'ipp-room-view');
  const title = (chat: IppChat) => view(chat)?.shadowRoot!.querySelector('[part=header] h2')?.textContent;
  const rooms = (chat: IppChat) => all(chat, 'ipp-room-list', '[part=room]') as HTMLButtonElement[];

  it('shows the list beside the conversation when wide, without a launcher or a close button', async () => {
    const chat = await page(1000);
    expect(chat.shadowRoot!.querySelector('.launcher')).to.equal(null);
    expect(deep(chat, '.placeholder')!.textContent!.trim()).to.equal('Sélectionnez une conversation pour commencer');
    const opened = oneEvent(chat, 'ipp-chat-room');
    rooms(chat).find((b) => b.textContent!.includes('Équipe import'))!.click();
    await until(() => title(chat) === 'Équipe import', 'the conversation');
    expect((await opened).detail).to.deep.equal({ roomId: 11 });
    const [list, room] = [deep(chat, 'ipp-room-list')!.getBoundingClientRect(), view(chat)!.getBoundingClientRect()];
    expect(room.left).to.be.at.least(list.right - 1);
    expect(list.height).to.be.at.least(600);
    expect(deep(chat, 'ipp-room-list')).to.exist;
    expect(view(chat)!.shadowRoot!.querySelector('[aria-label=Retour]')).to.equal(null);
    expect(view(chat)!.shadowRoot!.querySelector('[aria-label=Fermer]')).to.equal(null);
  });

  it('opens the room it is given, follows the host when it changes, and goes back to none', async () => {
    const chat = await page(1000, 11);
    await until(() => title(chat) === 'Équipe import', 'room 11');
    const changed = oneEvent(chat, 'ipp-chat-room');
    chat.setAttribute('room', '12');
    await until(() => title(chat) === 'Annonces', 'room 12');
    expect((await changed).detail).to.deep.equal({ roomId: 12 });
    chat.removeAttribute('room');
    await until(() => !view(chat) && deep(chat, '.placeholder'), 'no room');
  });

  it('shows one pane at a time when narrow, with a back button', async () => {
    const chat = await page(390);
    expect(view(chat)).to.equal(null);
    rooms(chat).find((b) => b.textContent!.includes('Équipe import'))!.click();
    await until(() => title(chat) === 'Équipe import', 'the conversation');
    expect(deep(chat, 'ipp-room-list')).to.equal(null);
    const back = oneEvent(chat, 'ipp-chat-room');
    view(chat)!.shadowRoot!.querySelector<HTMLButtonElement>('[aria-label=Retour]')!.click();
    expect((await back).detail).to.deep.equal({ roomId: null });
    await until(() => deep(chat, 'ipp-room-list'), 'the list again');
  });

  it('keeps the floating widget of the same page out of the way: one element, one feed', async () => {
    const box = await fixture<HTMLDivElement>(html`<div style="width: 1000px; height: 600px; display: flex">
      <ipp-chat style="flex: 1" mode="page" api=${API} token-url=${TOKEN_URL}></ipp-chat>
      <ipp-chat api=${API} token-url=${TOKEN_URL}></ipp-chat>
    </div>`);
    const [pageChat, floating] = [...box.querySelectorAll('ipp-chat')] as IppChat[];
    await until(() => deep(pageChat, 'ipp-room-list'), 'the page');
    await new Promise((r) => setTimeout(r, 300));
    expect(floating.hidden).to.equal(true);
    expect(floating.getBoundingClientRect().height).to.equal(0);
    expect(fake.requests('GET', '/events')).to.have.length(1);
    expect(fake.requests('GET', '/me')).to.have.length(1);
  });
});
