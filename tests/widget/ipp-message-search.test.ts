import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../widget/index';
import type { IppChat } from '../../widget/ipp-chat';
import type { IppMessage } from '../../widget/ipp-message';
import { API, FakeChat, TOKEN_URL, until } from './fake-api';
import { all, deep } from './dom';
import { afterEach, beforeEach, describe, it } from './mocha';

/** The messages found, through the whole widget: the list's search field, its results, the room they open. */
describe('<ipp-message-search>', () => {
  let fake: FakeChat;
  let chat: IppChat;
  beforeEach(async () => {
    fake = new FakeChat().install();
    // An old message in the group, under a page and more of newer ones.
    fake.addMessage(11, 2, 'Le conteneur MSKU est au quai 4', { createdAt: '2026-01-05T08:00:00Z' });
    for (let i = 1; i <= 70; i++) fake.addMessage(11, 3, `Point ${i}`);
    chat = await fixture<IppChat>(html`<ipp-chat api=${API} token-url=${TOKEN_URL} open></ipp-chat>`);
    await until(() => fake.openStreams === 1, 'the event stream');
  });
  afterEach(() => fake.uninstall());

  const input = () => deep<HTMLInputElement>(chat, 'ipp-room-list', 'input')!;
  const results = () => all(chat, 'ipp-room-list', 'ipp-message-search', 'li button') as HTMLButtonElement[];
  async function search(q: string) {
    const field = await until(input, 'the search field');
    field.focus();
    field.value = q;
    field.dispatchEvent(new Event('input'));
  }

  it('finds messages as well as conversations, with the room, the sender, the date and the words marked', async () => {
    await search('conteneur quai');
    await until(() => results().length === 1, 'a result');
    const [found] = results();
    expect(found.querySelector('.where')!.textContent).to.equal('Bruno Petit · Équipe import');
    expect(found.querySelector('time')!.getAttribute('title')).to.match(/2026/);
    expect([...found.querySelectorAll('mark')].map((m) => m.textContent)).to.deep.equal(['conteneur', 'quai']);
    // The group's first message says "conteneur" too: both are found, newest first.
    await search('conteneur');
    await until(() => results().length === 2, 'two results');
    expect(results().map((b) => b.querySelector('.text')!.textContent)).to.deep.equal(['Le conteneur MSKU est au quai 4', 'Le conteneur arrive lundi']);
  });

  it('goes down the results with the arrow keys, and Enter opens the room at the message, highlighted', async () => {
    await search('quai');
    await until(() => results().length === 1, 'a result');
    await sendKeys({ press: 'ArrowDown' });
    // (Compared as a boolean: a failure message would print the whole element.)
    expect(deep(chat, 'ipp-room-list', 'ipp-message-search')!.shadowRoot!.activeElement === results()[0]).to.equal(true);
    await sendKeys({ press: 'Enter' });
    const target = await until(() => (all(chat, 'ipp-room-view', 'ipp-message-list', 'ipp-message') as IppMessage[])
      .find((m) => m.message.content === 'Le conteneur MSKU est au quai 4'), 'the message');
    await until(() => target.hasAttribute('flash'), 'the highlight');
    // Opened around it (GET ?around=), not at the latest page.
    expect(fake.requests('GET', '/rooms/11/messages').at(-1)!.url).to.contain('around=');
    const box = target.getBoundingClientRect();
    const view = deep(chat, 'ipp-room-view', 'ipp-message-list', '.scroller')!.getBoundingClientRect();
    expect(box.top).to.be.at.least(view.top);
    expect(box.bottom).to.be.at.most(view.bottom);
  });

  it('pages through many results', async () => {
    await search('point');
    await until(() => results().length === 20, 'a first page');
    const more = deep<HTMLButtonElement>(chat, 'ipp-room-list', 'ipp-message-search', '.more')!;
    expect(more.textContent).to.equal('Plus de résultats');
    more.click();
    await until(() => results().length === 40, 'a second page');
    expect(fake.requests('GET', '/search').at(-1)!.url).to.match(/before=\d+/);
  });
});
