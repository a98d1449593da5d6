import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../widget/ipp-message-list';
import type { IppMessage } from '../../widget/ipp-message';
import type { IppMessageList } from '../../widget/ipp-message-list';
import type { ChatMessage, Member, Room } from '../../widget/types';
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

async function list(msgs: ChatMessage[], hasMore = false) {
  const wrapper = await fixture(html`<div style="height: 300px; display: flex">
    <ipp-message-list style="flex: 1" .room=${room} .me=${me} .members=${[member(1, 0), member(2, 3), member(3, 1)]} .messages=${msgs} .hasMore=${hasMore}></ipp-message-list>
  </div>`);
  const el = wrapper.querySelector('ipp-message-list') as IppMessageList;
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
});
