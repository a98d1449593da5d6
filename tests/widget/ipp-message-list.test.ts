import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../widget/ipp-message-list';
import type { IppMessage } from '../../widget/ipp-message';
import type { IppMessageList } from '../../widget/ipp-message-list';
import type { ChatMessage, Member, Room } from '../../widget/types';
import { until } from './fake-api';
import { describe, it } from './mocha';

const room: Room = {
  id: 1,
  type: 'group',
  name: 'Équipe',
  createdBy: 1,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  unreadCount: 0,
  muted: false,
  myRole: 'member',
};
const me = { user: { id: 1, name: 'Alice' }, perms: ['chat.read', 'chat.create', 'chat.update', 'chat.delete'] as any };
const member = (userId: number, lastReadMessageId: number): Member => ({
  userId,
  name: `U${userId}`,
  role: 'member',
  joinedAt: '',
  lastReadAt: null,
  lastReadMessageId,
  muted: false,
});

/** n messages from id `from`, alternately from users 1 and 2, one a minute (the second half two days later). */
function messages(from: number, n: number): ChatMessage[] {
  return Array.from({ length: n }, (_, i) => ({
    id: from + i,
    roomId: 1,
    senderId: (i % 2) + 1,
    senderName: i % 2 ? 'Bruno' : 'Alice',
    content: `message ${from + i} `.repeat(4),
    type: 'text',
    attachments: [],
    createdAt: new Date(new Date(2026, 0, 5, 8).getTime() + (from + i) * 60_000 + (i >= n / 2 ? 2 * 864e5 : 0)).toISOString(),
  }));
}

async function list(msgs: ChatMessage[], hasMore = false, props: Partial<IppMessageList> = {}) {
  const wrapper = await fixture(html`<div style="height: 300px; display: flex"></div>`);
  const el = Object.assign(document.createElement('ipp-message-list'), {
    room, me, members: [member(1, 0), member(2, 3), member(3, 1)], messages: msgs, hasMore, ...props,
  });
  el.style.flex = '1';
  wrapper.append(el);
  await el.updateComplete;
  await frame();
  return { el, scroller: el.shadowRoot!.querySelector<HTMLElement>('.scroller')! };
}

/** Waits until the messages rendered and the list settled (ResizeObserver runs before paint). */
const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));

const items = (el: IppMessageList) => [...el.shadowRoot!.querySelectorAll('ipp-message')];

describe('<ipp-message-list>', () => {
  it('starts at the bottom, with day separators and read ticks from the members', async () => {
    const { el, scroller } = await list(messages(1, 20));
    expect(scroller.scrollHeight).to.be.greaterThan(scroller.clientHeight);
    expect(el.nearBottom).to.equal(true);
    expect(el.shadowRoot!.querySelectorAll('.day')).to.have.length(2);
    const [first, , third] = items(el) as any[];
    // Message 1 (mine) is read by users 2 and 3; message 3 only by user 2.
    expect([first.readBy, first.readers]).to.deep.equal([2, 2]);
    expect(third.readBy).to.equal(1);
  });

  it('puts one message in the tab order and moves between messages with the arrow keys', async () => {
    const { el } = await list(messages(1, 6));
    const all = items(el) as HTMLElement[];
    expect(all.filter((m) => m.tabIndex === 0)).to.deep.equal([all[5]]);
    // Only the active message's actions are tabbable.
    const tabbable = (m: HTMLElement) => [...m.shadowRoot!.querySelectorAll<HTMLElement>('.actions button')].filter((b) => b.tabIndex === 0);
    expect(tabbable(all[4])).to.have.length(0);
    all[5].focus();
    await sendKeys({ press: 'ArrowUp' });
    expect(el.shadowRoot!.activeElement).to.equal(all[4]);
    await sendKeys({ press: 'Home' });
    expect(el.shadowRoot!.activeElement).to.equal(all[0]);
    await el.updateComplete;
    await (all[0] as IppMessage).updateComplete;
    expect(all[0].tabIndex).to.equal(0);
    expect(all[5].tabIndex).to.equal(-1);
    await sendKeys({ press: 'Tab' });
    expect(all[0].shadowRoot!.activeElement!.getAttribute('aria-label')).to.equal('Répondre');
  });

  it('stays at the bottom when it gets shorter (the composer grew)', async () => {
    const { el, scroller } = await list(messages(1, 20));
    const top = scroller.scrollTop;
    (el.parentElement as HTMLElement).style.height = '200px';
    await frame();
    expect(scroller.scrollTop).to.be.greaterThan(top);
    expect(el.nearBottom).to.equal(true);
    expect(scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight).to.be.lessThan(2);
  });

  it('asks for older messages at the top, and keeps the view in place when they arrive', async () => {
    const { el, scroller } = await list(messages(21, 20), true);
    const older = oneEvent(el, 'ipp-load-older');
    scroller.scrollTop = 0;
    await older;
    const anchor = items(el)[0];
    const top = anchor.getBoundingClientRect().top;
    el.messages = [...messages(1, 20), ...el.messages];
    await frame();
    expect(Math.abs(anchor.getBoundingClientRect().top - top)).to.be.lessThan(2);
  });

  it('follows new messages near the bottom, otherwise offers a jump to them', async () => {
    const { el, scroller } = await list(messages(1, 20));
    el.messages = [...el.messages, ...messages(21, 1).map((m) => ({ ...m, senderId: 2 }))];
    await frame();
    expect(el.nearBottom).to.equal(true);
    scroller.scrollTop = 0;
    await frame();
    el.messages = [...el.messages, ...messages(22, 1).map((m) => ({ ...m, senderId: 2 }))];
    await frame();
    expect(scroller.scrollTop).to.equal(0);
    const jump = el.shadowRoot!.querySelector<HTMLButtonElement>('.jump button')!;
    expect(jump.textContent).to.contain('1 nouveau message');
    // Below the list, in its own line: it covers no message.
    expect(jump.getBoundingClientRect().top).to.be.at.least(scroller.getBoundingClientRect().bottom - 1);
    jump.click();
    await frame();
    expect(el.nearBottom).to.equal(true);
    expect(el.shadowRoot!.querySelector('.jump')).to.equal(null);
  });

  it('opens at a "Nouveaux messages" line above the first unread message, not at the bottom', async () => {
    // Read up to message 11: message 12, from Bruno, is the first unread.
    const { el, scroller } = await list(messages(1, 40), false, { unreadAfter: 11 });
    const line = el.shadowRoot!.querySelector<HTMLElement>('.unread')!;
    expect(line.textContent).to.equal('Nouveaux messages');
    expect((line.nextElementSibling as IppMessage).message.id).to.equal(12);
    // The line is at the top of the view, the latest messages out of it.
    const view = scroller.getBoundingClientRect();
    expect(line.getBoundingClientRect().top - view.top).to.be.within(0, 20);
    expect(el.nearBottom).to.equal(false);
    // Read up to the end (or a message of mine last): no line.
    const read = await list(messages(1, 40), false, { unreadAfter: 40 });
    expect(read.el.shadowRoot!.querySelector('.unread')).to.equal(null);
  });

  it('tells which messages have been on screen, and only those', async () => {
    const seen: number[] = [];
    const { el, scroller } = await list(messages(1, 40), false, { unreadAfter: 10 });
    el.addEventListener('ipp-seen', (e) => seen.push(e.detail.messageId));
    await frame();
    await frame();
    const shown = items(el).filter((m) => {
      const r = m.getBoundingClientRect();
      return r.bottom > scroller.getBoundingClientRect().top && r.top < scroller.getBoundingClientRect().bottom;
    }) as IppMessage[];
    // Opened at message 11: what is read is what was shown, not the room's 40 messages.
    const newestShown = Math.max(...shown.map((m) => m.message.id));
    expect(Math.max(0, ...seen)).to.be.at.most(newestShown).and.below(40);
    scroller.scrollTop = scroller.scrollHeight;
    await until(() => seen.includes(40));
  });

  it('opens at a message asked for, highlighted, with its neighbours', async () => {
    const { el, scroller } = await list(messages(1, 40), true, { focusId: 15 });
    const target = items(el).find((m) => (m as IppMessage).message.id === 15)!;
    expect(target.hasAttribute('flash')).to.equal(true);
    const view = scroller.getBoundingClientRect();
    const box = target.getBoundingClientRect();
    expect(box.top).to.be.at.least(view.top);
    expect(box.bottom).to.be.at.most(view.bottom);
  });

  it('shows placeholders while loading, then an empty room\'s invitation to write', async () => {
    const { el } = await list([], false, { loading: true });
    expect(el.shadowRoot!.querySelector('[aria-busy=true]')!.getAttribute('aria-label')).to.equal('Chargement…');
    expect(el.shadowRoot!.textContent).not.to.contain('Aucun message');
    el.loading = false;
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.empty')!.textContent).to.contain('Aucun message pour le moment');
  });

  it('writes what happened in the room as one centred line, with no actions', async () => {
    const system: ChatMessage = {
      ...messages(41, 1)[0], senderId: 2, senderName: 'Bruno', content: '', type: 'system',
      system: { action: 'member.added', actorId: 2, userId: 3, userName: 'Chloé' },
    };
    const { el } = await list([...messages(1, 4), system]);
    const line = items(el).at(-1)!.shadowRoot!;
    expect(line.querySelector('.system')!.textContent).to.match(/^Bruno a ajouté Chloé · \d\d:\d\d$/);
    expect(line.querySelectorAll('button')).to.have.length(0);
  });
});
