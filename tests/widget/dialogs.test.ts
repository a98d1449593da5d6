import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { ContextProvider } from '@lit/context';
import { render, type TemplateResult } from 'lit';
import { ChatApi } from '../../widget/api';
import { ChatActions } from '../../widget/chat-actions';
import { ChatStore } from '../../widget/chat-store';
import { ChatSync } from '../../widget/chat-sync';
import { actionsContext, apiContext } from '../../widget/context';
import '../../widget/ipp-attachment';
import '../../widget/ipp-new-room';
import '../../widget/ipp-room-settings';
import type { IppAttachment } from '../../widget/ipp-attachment';
import type { IppNewRoom } from '../../widget/ipp-new-room';
import type { IppRoomSettings } from '../../widget/ipp-room-settings';
import type { Me, Room } from '../../widget/types';
import { API, FakeChat, until } from './fake-api';
import { afterEach, beforeEach, describe, it } from './mocha';

let fake: FakeChat;
const api = () => new ChatApi(API, { get: async () => 'tok', refresh: async () => 'tok', renewable: false });

/** Renders `template` under an element that provides the API client and the actions on a store, as <ipp-chat> does. */
async function provided<T extends Element>(template: TemplateResult): Promise<T> {
  const host = await fixture<HTMLElement>(html`<div></div>`);
  const client = api();
  const controllers = { addController() {}, removeController() {}, requestUpdate() {}, updateComplete: Promise.resolve(true) };
  const store = new ChatStore(controllers);
  const sync = new ChatSync(controllers, store);
  sync.begin(client);
  store.me = { user: fake.me, perms: fake.perms as Me['perms'] };
  new ContextProvider(host, { context: apiContext, initialValue: client });
  new ContextProvider(host, { context: actionsContext, initialValue: new ChatActions(store, sync) });
  render(template, host);
  const el = host.firstElementChild as T & { updateComplete: Promise<unknown> };
  await el.updateComplete;
  return el;
}

beforeEach(() => {
  fake = new FakeChat().install();
  fake.valid.add('tok');
});
afterEach(() => fake.uninstall());

describe('<ipp-attachment>', () => {
  const attachment = { id: 5, fileName: 'quai.png', size: 70, mimeType: 'image/png', extension: 'png', url: '/api/chat/attachments/5', thumbnailUrl: '/api/chat/attachments/5/thumbnail' };

  it('shows the thumbnail through a blob: URL fetched with the token, and enlarges it', async () => {
    const el = await provided<IppAttachment>(html`<ipp-attachment .attachment=${attachment}></ipp-attachment>`);
    const img = await until(() => el.shadowRoot!.querySelector('img'), 'the thumbnail');
    expect(img.src).to.match(/^blob:/);
    expect(img.alt).to.equal('quai.png');
    const req = fake.requests('GET', '/attachments/5/thumbnail')[0];
    expect(req.url).to.equal(`${API}/attachments/5/thumbnail`);
    expect(req.headers.get('authorization')).to.equal('Bearer tok');
    const button = el.shadowRoot!.querySelector<HTMLButtonElement>('[part=thumbnail]')!;
    expect(button.getAttribute('aria-label')).to.equal('Agrandir quai.png');
    button.click();
    const dialog = await until(() => el.shadowRoot!.querySelector<HTMLDialogElement>('dialog[open]'), 'the enlarged picture');
    expect(dialog.querySelector('img')!.src).to.match(/^blob:/);
  });

  it('shows other files as a chip with name and size', async () => {
    const pdf = { ...attachment, fileName: 'devis.pdf', mimeType: 'application/pdf', thumbnailUrl: null, size: 250_000 };
    const el = await provided<IppAttachment>(html`<ipp-attachment .attachment=${pdf}></ipp-attachment>`);
    const chip = el.shadowRoot!.querySelector('[part=file]')!;
    expect([...chip.querySelectorAll('span')].map((s) => s.textContent!.trim())).to.deep.equal(['Télécharger', 'devis.pdf', '244,1 Ko']);
    expect(chip.getAttribute('title')).to.equal('Télécharger devis.pdf');
    expect(fake.log).to.have.length(0);
  });
});

describe('<ipp-new-room>', () => {
  it('searches the directory and opens a direct conversation', async () => {
    const el = await provided<IppNewRoom>(html`<ipp-new-room .meId=${1}></ipp-new-room>`);
    const search = el.shadowRoot!.querySelector('ipp-user-search')!;
    const input = search.shadowRoot!.querySelector('input')!;
    expect(input.getAttribute('aria-label')).to.equal('Rechercher une personne');
    input.value = 'bru';
    input.dispatchEvent(new Event('input'));
    const pick = await until(() => search.shadowRoot!.querySelector<HTMLButtonElement>('li button'), 'results');
    expect(fake.requests('GET', '/users')[0].url).to.equal(`${API}/users?q=bru&limit=20`);
    expect(pick.textContent!.replace(/\s+/g, ' ').trim()).to.equal('Bruno Petit bruno@example.com');
    const created = oneEvent(el, 'ipp-room-created');
    pick.click();
    // Bruno and Alice already have their direct room: it is the one to open.
    expect((await created).detail.room.id).to.equal(10);
    expect(fake.requests('POST', '/rooms')[0].body).to.deep.equal({ type: 'direct', userId: 2 });
  });

  it('shows the answer to the latest search only, even when an older one comes back last', async () => {
    const el = await provided<IppNewRoom>(html`<ipp-new-room .meId=${1}></ipp-new-room>`);
    const search = el.shadowRoot!.querySelector('ipp-user-search')!;
    const input = search.shadowRoot!.querySelector('input')!;
    // The first query's answer is held back until the second one has been shown.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const handle = fake.handle.bind(fake);
    fake.handle = async (req) => (new URL(req.url).searchParams.get('q') === 'b' ? held.then(() => handle(req)) : handle(req));
    const type = async (q: string) => {
      input.value = q;
      input.dispatchEvent(new Event('input'));
      await new Promise((r) => setTimeout(r, 250));
    };
    await type('b');
    await type('chl');
    const names = () => [...search.shadowRoot!.querySelectorAll('li button')].map((b) => b.textContent!.trim());
    await until(() => names().length, 'the results');
    expect(names()).to.deep.equal(['Chloé Durand']);
    release();
    await new Promise((r) => setTimeout(r, 50));
    expect(names()).to.deep.equal(['Chloé Durand']);
  });

  it('offers the public channels, and joins one', async () => {
    const el = await provided<IppNewRoom>(html`<ipp-new-room .meId=${1}></ipp-new-room>`);
    const channel = await until(() => el.shadowRoot!.querySelector<HTMLButtonElement>('li button'), 'the channels');
    expect(el.shadowRoot!.querySelector('h3')!.textContent).to.equal('Canaux publics');
    expect(channel.textContent).to.equal('# Général');
    const joined = oneEvent(el, 'ipp-room-created');
    channel.click();
    expect((await joined).detail.room).to.include({ id: 20, name: 'Général' });
    expect(fake.requests('POST', '/rooms/20/join')).to.have.length(1);
  });
});

describe('<ipp-room-settings>', () => {
  const room = (myRole: Room['myRole']): Room => ({ ...fake.roomFor(fake.rooms[1]), myRole, members: fake.members.get(11) });
  const settings = (r: Room, perms = fake.perms) =>
    provided<IppRoomSettings>(
      html`<ipp-room-settings .room=${r} .members=${r.members} .me=${{ user: fake.me, perms }}></ipp-room-settings>`,
    );

  it('lets an admin rename, change roles and remove members', async () => {
    const el = await settings(room('admin'));
    const root = el.shadowRoot!;
    expect(root.querySelectorAll('select')).to.have.length(2);
    expect(root.querySelector('select')!.getAttribute('aria-label')).to.equal('Rôle de Bruno Petit');
    const input = root.querySelector<HTMLInputElement>('input[name=name]')!;
    input.value = 'Équipe transit';
    root.querySelector('form')!.requestSubmit();
    await until(() => fake.requests('PATCH', '/rooms/11').length, 'the rename');
    expect(fake.requests('PATCH', '/rooms/11')[0].body).to.deep.equal({ name: 'Équipe transit' });
    const select = root.querySelector('select')!;
    select.value = 'moderator';
    select.dispatchEvent(new Event('change'));
    await until(() => fake.member(11, 2).role === 'moderator', 'the role change');
    root.querySelector<HTMLButtonElement>('[aria-label="Retirer Bruno Petit"]')!.click();
    await until(() => fake.requests('DELETE', '/rooms/11/members/2').length, 'the removal');
  });

  it('gives a plain member only mute and leave', async () => {
    const el = await settings(room('member'));
    const root = el.shadowRoot!;
    expect(root.querySelector('form, select, ipp-user-search')).to.equal(null);
    const mute = root.querySelector<HTMLInputElement>('input[type=checkbox]')!;
    mute.click();
    await until(() => fake.requests('PATCH', '/rooms/11/me').length);
    expect(fake.requests('PATCH', '/rooms/11/me')[0].body).to.deep.equal({ muted: true });
  });

  it('offers an admin whose host does not grant chat.manage_rooms no management, as the server would refuse it', async () => {
    const el = await settings(room('admin'), fake.perms.filter((p) => p !== 'chat.manage_rooms'));
    expect(el.shadowRoot!.querySelector('form, select, ipp-user-search, [aria-label^="Retirer"]')).to.equal(null);
  });

  it('hides a direct conversation instead of leaving it, and says it comes back', async () => {
    const direct: Room = { ...fake.roomFor(fake.rooms[0]), myRole: 'member' };
    expect(direct.type).to.equal('direct');
    const el = await settings(direct);
    const root = el.shadowRoot!;
    const hide = [...root.querySelectorAll('button')].find((b) => b.textContent!.trim() === 'Masquer la conversation')!;
    expect(root.querySelector(`#${hide.getAttribute('aria-describedby')}`)!.textContent).to.contain('revient au prochain message');
    hide.click();
    await until(() => fake.requests('DELETE', `/rooms/${direct.id}/members/${fake.me.id}`).length, 'the hiding');
    expect(fake.requests('DELETE', `/rooms/${direct.id}/members/${fake.me.id}`)).to.have.length(1);
  });
});
