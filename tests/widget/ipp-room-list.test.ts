import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../widget/ipp-room-list';
import type { IppRoomList } from '../../widget/ipp-room-list';
import type { Room } from '../../widget/types';
import { describe, it } from './mocha';

const msg = (roomId: number, senderId: number, senderName: string, content: string) => ({
  id: roomId * 10,
  roomId,
  senderId,
  senderName,
  content,
  type: 'text',
  attachments: [],
  createdAt: '2026-01-05T09:30:00Z',
});

const room = (id: number, type: Room['type'], name: string | null, unreadCount = 0, extra: Partial<Room> = {}): Room => ({
  id,
  type,
  name,
  createdBy: 1,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-05T09:30:00Z',
  unreadCount,
  muted: false,
  myRole: 'member',
  ...extra,
});

const rooms: Room[] = [
  room(1, 'direct', null, 2, {
    members: [
      { userId: 1, name: 'Alice', role: 'admin', joinedAt: '', lastReadAt: null, lastReadMessageId: null, muted: false },
      { userId: 2, name: 'Bruno Petit', role: 'member', joinedAt: '', lastReadAt: null, lastReadMessageId: null, muted: false },
    ],
    lastMessage: msg(1, 2, 'Bruno Petit', 'On se voit demain ?'),
  }),
  room(2, 'group', 'Équipe import', 0, { lastMessage: msg(2, 3, 'Chloé', 'Conteneur <b>livré</b>') }),
  room(3, 'channel', 'Annonces', 1, { muted: true }),
];

async function list(props: Partial<IppRoomList> = {}) {
  const el = await fixture<IppRoomList>(html`<ipp-room-list .rooms=${rooms} .meId=${1}></ipp-room-list>`);
  Object.assign(el, props);
  await el.updateComplete;
  return el;
}

const rows = (el: IppRoomList) => [...el.shadowRoot!.querySelectorAll('[part=room]')] as HTMLButtonElement[];
/** The button whose text or accessible name is `name`. */
const button = (el: IppRoomList, name: string) =>
  [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent!.trim() === name || b.getAttribute('aria-label') === name)!;

describe('<ipp-room-list>', () => {
  it('lists rooms with name, last message and unread badge', async () => {
    const el = await list();
    const [direct, group] = rows(el);
    expect(direct.querySelector('.name')!.textContent).to.equal('Bruno Petit');
    // The other person's avatar: initials on their colour.
    expect(direct.querySelector('ipp-avatar')!.shadowRoot!.textContent!.trim()).to.equal('BP');
    expect(direct.querySelector('.last')!.textContent).to.equal('On se voit demain ?');
    expect(direct.querySelector('.badge [aria-hidden]')!.textContent).to.equal('2');
    expect(direct.querySelector('.badge .sr-only')!.textContent).to.equal('2 messages non lus');
    // Group rooms show who wrote last; user text stays text.
    expect(group.querySelector('.last')!.textContent).to.equal('Chloé: Conteneur <b>livré</b>');
    expect(group.querySelector('b')).to.equal(null);
    expect(group.querySelector('.badge')).to.equal(null);
  });

  it('filters: Tous, Non lus, Groupes, Directs, and searches', async () => {
    const el = await list();
    const names = () => rows(el).map((r) => r.querySelector('.name')!.textContent!.replace('En sourdine', '').trim());
    expect(names()).to.deep.equal(['Bruno Petit', 'Équipe import', 'Annonces']);
    expect(rows(el)[2].querySelector('.muted')!.textContent).to.equal('En sourdine');
    button(el, 'Non lus').click();
    await el.updateComplete;
    expect(names()).to.deep.equal(['Bruno Petit', 'Annonces']);
    expect(button(el, 'Non lus').getAttribute('aria-pressed')).to.equal('true');
    button(el, 'Groupes').click();
    await el.updateComplete;
    expect(names()).to.deep.equal(['Équipe import', 'Annonces']);
    button(el, 'Directs').click();
    await el.updateComplete;
    expect(names()).to.deep.equal(['Bruno Petit']);
    button(el, 'Tous').click();
    // The search finds rooms by name (messages are looked for by <ipp-message-search> below them).
    const search = el.shadowRoot!.querySelector('input')!;
    search.value = 'équipe';
    search.dispatchEvent(new Event('input'));
    await el.updateComplete;
    expect(names()).to.deep.equal(['Équipe import']);
    expect(el.shadowRoot!.querySelector('ipp-message-search')!.q).to.equal('équipe');
    search.value = 'zzz';
    search.dispatchEvent(new Event('input'));
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.empty')!.textContent).to.equal('Aucune conversation de ce nom');
  });

  it('fires ipp-room-select, and ipp-new-room only for what the permissions allow', async () => {
    const el = await list();
    const selected = oneEvent(el, 'ipp-room-select');
    rows(el)[1].click();
    expect((await selected).detail).to.deep.equal({ roomId: 2 });
    expect(button(el, 'Nouvelle conversation')).to.equal(undefined);
    el.canCreate = true;
    await el.updateComplete;
    expect(button(el, 'Nouvelle conversation')).to.exist;
    expect(button(el, 'Nouveau groupe')).to.equal(undefined);
    el.canManage = true;
    await el.updateComplete;
    const created = oneEvent(el, 'ipp-new-room');
    button(el, 'Nouveau groupe').click();
    expect((await created).detail).to.deep.equal({ group: true });
  });
});
