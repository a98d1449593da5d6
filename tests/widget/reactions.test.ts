import { expect, fixture, html } from '@open-wc/testing';
import '../../widget/index';
import type { IppChat } from '../../widget/ipp-chat';
import { API, FakeChat, TOKEN_URL, until } from './fake-api';
import { all, deep } from './dom';
import { afterEach, beforeEach, describe, it } from './mocha';

describe('reactions in <ipp-chat>', () => {
  let fake: FakeChat;
  beforeEach(() => {
    fake = new FakeChat().install();
  });
  afterEach(() => fake.uninstall());

  /** The widget open on room 11 ("Équipe import": Alice, me, with Bruno and Chloé), its last message from Chloé. */
  async function openTeam() {
    const chat = await fixture<IppChat>(html`<ipp-chat api=${API} token-url=${TOKEN_URL}></ipp-chat>`);
    await until(() => fake.openStreams === 1, 'the event stream');
    await chat.show(11);
    await until(() => all(chat, 'ipp-room-view', 'ipp-message-list', 'ipp-message').length, 'the messages');
    return chat;
  }
  const last = (chat: IppChat) => all(chat, 'ipp-room-view', 'ipp-message-list', 'ipp-message').at(-1)!;
  const chips = (chat: IppChat) => [...(last(chat).shadowRoot!.querySelector('ipp-reactions')?.shadowRoot!.querySelectorAll('button') ?? [])];
  const chip = (chat: IppChat, emoji: string) => chips(chat).find((b) => b.textContent!.includes(emoji));

  it('shows chips with their counts, mine pressed, and who reacted in their name and title', async () => {
    const m = fake.last(11)!;
    m.reactions = [{ emoji: '👍', userIds: [2, 1] }, { emoji: '🎉', userIds: [3] }];
    const chat = await openTeam();
    const thumbs = await until(() => chip(chat, '👍'), 'the 👍 chip');
    expect(thumbs.textContent!.replace(/\s/g, '')).to.equal('👍2');
    expect(thumbs.getAttribute('aria-pressed')).to.equal('true');
    expect(thumbs.getAttribute('aria-label')).to.equal('👍 2 : Bruno Petit, vous (cliquer pour retirer votre réaction)');
    expect(thumbs.title).to.equal(thumbs.getAttribute('aria-label'));
    const party = chip(chat, '🎉')!;
    expect(party.getAttribute('aria-pressed')).to.equal('false');
    expect(party.getAttribute('aria-label')).to.equal('🎉 1 : Chloé Durand');
  });

  it('toggles my reaction by clicking its chip: off with a DELETE, on again with a PUT', async () => {
    const m = fake.last(11)!;
    m.reactions = [{ emoji: '👍', userIds: [2, 1] }];
    const chat = await openTeam();
    (await until(() => chip(chat, '👍'))).click();
    await until(() => chip(chat, '👍')?.getAttribute('aria-pressed') === 'false', 'my reaction taken back');
    expect(chip(chat, '👍')!.textContent!.replace(/\s/g, '')).to.equal('👍1');
    expect(fake.requests('DELETE', `/messages/${m.id}/reactions/${encodeURIComponent('👍')}`)).to.have.length(1);
    chip(chat, '👍')!.click();
    await until(() => chip(chat, '👍')?.getAttribute('aria-pressed') === 'true', 'my reaction back');
    expect(fake.requests('PUT', `/messages/${m.id}/reactions/${encodeURIComponent('👍')}`)).to.have.length(1);
    expect(m.reactions).to.deep.equal([{ emoji: '👍', userIds: [2, 1] }]);
  });

  it('reacts with one of the six quick reactions of a message', async () => {
    const chat = await openTeam();
    const quick = [...last(chat).shadowRoot!.querySelectorAll<HTMLButtonElement>('.actions .quick')];
    expect(quick.map((b) => b.textContent)).to.deep.equal(['👍', '❤️', '😂', '😮', '✅', '👀']);
    expect(quick[4].getAttribute('aria-label')).to.equal('Réagir avec ✅');
    quick[4].click();
    await until(() => chip(chat, '✅')?.getAttribute('aria-pressed') === 'true', 'the ✅ chip');
    expect(fake.requests('PUT', /\/reactions\//).map((r) => decodeURIComponent(r.path))).to.deep.equal([`/messages/${fake.last(11)!.id}/reactions/✅`]);
  });

  it("shows someone else's reaction as it arrives on the feed, and its removal", async () => {
    const chat = await openTeam();
    const m = fake.last(11)!;
    fake.react(m, '😮', 2, true);
    const wow = await until(() => chip(chat, '😮'), 'the 😮 chip');
    expect(wow.getAttribute('aria-label')).to.equal('😮 1 : Bruno Petit');
    // The same event again (a replay) changes nothing.
    fake.push('reaction.added', { roomId: 11, messageId: m.id, emoji: '😮', userId: 2 });
    fake.react(m, '😮', 3, true);
    await until(() => chip(chat, '😮')?.textContent!.includes('2'), 'two reactions');
    fake.react(m, '😮', 2, false);
    fake.react(m, '😮', 3, false);
    await until(() => !chip(chat, '😮'), 'the chip gone');
    expect(deep(last(chat), 'ipp-reactions')).to.equal(null);
  });
});
