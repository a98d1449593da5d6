import { expect, fixture, html } from '@open-wc/testing';
import { ContextProvider } from '@lit/context';
import { render, type TemplateResult } from 'lit';
import { ChatApi, fileNameOf } from '../../widget/api';
import { apiContext, i18nContext } from '../../widget/context';
import { createI18n } from '../../widget/i18n';
import '../../widget/ipp-room-settings';
import type { IppRoomSettings } from '../../widget/ipp-room-settings';
import type { Room } from '../../widget/types';
import { API, FakeChat, until } from './fake-api';
import { afterEach, beforeEach, describe, it } from './mocha';

let fake: FakeChat;
/** The downloads the widget started: what the link pointed at, and the name it gave. */
let saved: { href: string; download: string }[];
const realClick = HTMLAnchorElement.prototype.click;
const realFetch = window.fetch;

async function settings(lang: 'fr' | 'en' = 'fr'): Promise<IppRoomSettings> {
  const host = await fixture<HTMLElement>(html`<div></div>`);
  new ContextProvider(host, { context: apiContext, initialValue: new ChatApi(API, { get: async () => 'tok', refresh: async () => 'tok', renewable: false }) });
  new ContextProvider(host, { context: i18nContext, initialValue: createI18n(lang) });
  const room: Room = { ...fake.roomFor(fake.rooms[1]), members: fake.members.get(11) };
  const template: TemplateResult = html`<ipp-room-settings .room=${room} .members=${room.members} .me=${{ user: fake.me, perms: fake.perms }}></ipp-room-settings>`;
  render(template, host);
  const el = host.firstElementChild as IppRoomSettings;
  await el.updateComplete;
  return el;
}

const exporter = (el: IppRoomSettings) => el.shadowRoot!.querySelector('ipp-room-export')!;
const buttons = (el: IppRoomSettings) => [...exporter(el).shadowRoot!.querySelectorAll<HTMLButtonElement>('.buttons button')];

beforeEach(() => {
  fake = new FakeChat().install();
  fake.valid.add('tok');
  saved = [];
  HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
    saved.push({ href: this.href, download: this.download });
  };
});
afterEach(() => {
  HTMLAnchorElement.prototype.click = realClick;
  fake.uninstall();
});

describe('<ipp-room-export> in the room settings', () => {
  it('fetches the spreadsheet with the token in the header, waits with both buttons disabled, then saves it under its name', async () => {
    const el = await settings();
    expect(buttons(el).map((b) => b.textContent!.trim()).join('|')).to.equal('Exporter en Excel|Exporter en PDF');
    // The answer waits until the test lets it through, to see the export under way.
    let letThrough!: () => void;
    const gate = new Promise<void>((resolve) => (letThrough = resolve));
    const fetching = window.fetch;
    window.fetch = async (input, init) => {
      await gate;
      return fetching(input, init);
    };
    buttons(el)[0].click();
    await until(() => buttons(el).every((b) => b.disabled), 'both buttons waiting');
    expect(buttons(el)[0].getAttribute('aria-busy')).to.equal('true');
    expect(exporter(el).shadowRoot!.querySelector('[role=status]')!.textContent!.trim()).to.match(/^Export en cours…/);
    letThrough();
    await until(() => saved.length === 1, 'the download');
    window.fetch = fetching;

    const req = fake.requests('GET', '/rooms/11/export')[0];
    const url = new URL(req.url);
    expect(url.searchParams.get('format')).to.equal('xlsx');
    expect(url.searchParams.get('lang')).to.equal('fr');
    expect(url.searchParams.get('tz')).to.equal(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(req.headers.get('authorization')).to.equal('Bearer tok');
    expect(req.url.includes('tok')).to.equal(false);

    expect(saved[0].download).to.equal('Équipe import 2026-05-04.xlsx');
    expect(saved[0].href).to.match(/^blob:/);
    const blob = await (await realFetch(saved[0].href)).blob();
    expect(blob.type).to.equal('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(await blob.text()).to.equal('PK export');
    await until(() => buttons(el).every((b) => !b.disabled), 'the buttons back');
  });

  it('exports a PDF in English', async () => {
    const el = await settings('en');
    expect(buttons(el).map((b) => b.textContent!.trim()).join('|')).to.equal('Export to Excel|Export to PDF');
    buttons(el)[1].click();
    await until(() => saved.length === 1, 'the download');
    expect(saved[0].download).to.equal('Équipe import 2026-05-04.pdf');
    const url = new URL(fake.requests('GET', '/rooms/11/export')[0].url);
    expect(`${url.searchParams.get('format')} ${url.searchParams.get('lang')}`).to.equal('pdf en');
  });

  it('says in words why an export was refused, and saves nothing', async () => {
    fake.failExport = 429;
    const el = await settings();
    buttons(el)[1].click();
    const alert = await until(() => exporter(el).shadowRoot!.querySelector('[role=alert]'), 'the problem');
    expect(alert.textContent!.trim()).to.equal('Trop de demandes d’un coup : réessayez dans 42 s.');
    expect(saved.length).to.equal(0);
    expect(buttons(el).every((b) => !b.disabled)).to.equal(true);
  });

  it('reads the file name the server gives, UTF-8 first, never a path', () => {
    expect(fileNameOf(`attachment; filename="a.pdf"; filename*=UTF-8''%C3%89t%C3%A9.pdf`)).to.equal('Été.pdf');
    expect(fileNameOf('attachment; filename="plain.xlsx"')).to.equal('plain.xlsx');
    expect(fileNameOf(`attachment; filename*=UTF-8''..%2F..%2Fetc%2Fpasswd`)).to.equal('.._.._etc_passwd');
    expect(fileNameOf(null)).to.equal('export');
  });
});
