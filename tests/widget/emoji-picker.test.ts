import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../widget/index';
import type { IppChat } from '../../widget/ipp-chat';
import { API, FakeChat, TOKEN_URL, until } from './fake-api';
import { all, deep } from './dom';
import { afterEach, beforeEach, describe, it } from './mocha';

// This file's page gets a strict policy, as the host's may be: the picker must not need 'unsafe-inline' styles.
const meta = document.createElement('meta');
meta.httpEquiv = 'Content-Security-Policy';
meta.content = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob:; connect-src 'self' ws: http://chat.test";
document.head.append(meta);

describe('the emoji picker', () => {
  let fake: FakeChat;
  const violations: string[] = [];
  const onViolation = (e: SecurityPolicyViolationEvent) => violations.push(`${e.violatedDirective} ${e.blockedURI}`);
  beforeEach(() => {
    fake = new FakeChat().install();
    document.addEventListener('securitypolicyviolation', onViolation);
  });
  afterEach(() => {
    fake.uninstall();
    document.removeEventListener('securitypolicyviolation', onViolation);
  });

  async function openTeam() {
    const chat = await fixture<IppChat>(html`<ipp-chat api=${API} token-url=${TOKEN_URL}></ipp-chat>`);
    await chat.show(11);
    await until(() => all(chat, 'ipp-room-view', 'ipp-message-list', 'ipp-message').length, 'the messages');
    return chat;
  }
  const textarea = (chat: IppChat) => deep<HTMLTextAreaElement>(chat, 'ipp-room-view', 'ipp-composer', 'textarea')!;
  const emojiButton = (chat: IppChat) => deep<HTMLButtonElement>(chat, 'ipp-room-view', 'ipp-composer', 'button[aria-label="Insérer un emoji"]')!;
  /** An emoji of the picker's grid, once its data has loaded. */
  const gridEmoji = async (chat: IppChat, emoji: string) => {
    const picker = await until(() => deep<HTMLElement & { database: { ready(): Promise<void> } }>(chat, 'ipp-room-view', 'ipp-emoji-picker', 'emoji-picker'));
    await picker.database.ready();
    return until(() => picker.shadowRoot!.querySelector<HTMLButtonElement>(`.tabpanel button[id="emo-${emoji}"]`), `${emoji} in the picker`);
  };

  it('is loaded on first use only, then inserts the emoji picked at the caret, with its data from beside the widget', async () => {
    const chat = await openTeam();
    // An open conversation has not loaded it.
    expect(customElements.get('emoji-picker')).to.equal(undefined);
    expect(fake.log.filter((r) => r.path.startsWith('/ipp-chat-emoji/'))).to.deep.equal([]);
    const input = textarea(chat);
    input.value = 'Bonne  journée';
    input.setSelectionRange(6, 6);
    emojiButton(chat).click();
    (await gridEmoji(chat, '😀')).click();
    await until(() => input.value === 'Bonne 😀 journée', 'the emoji at the caret');
    expect(customElements.get('emoji-picker')).to.not.equal(undefined);
    expect(fake.log.filter((r) => r.path.startsWith('/ipp-chat-emoji/')).map((r) => new URL(r.url).pathname)).to.include('/ipp-chat-emoji/fr.json');
    // Closed once picked, the caret after the emoji.
    expect(deep(chat, 'ipp-room-view', 'ipp-emoji-picker')).to.equal(null);
    expect(input.selectionStart).to.equal('Bonne 😀'.length);
    expect(violations).to.deep.equal([]);
  });

  it('finds emoji by their French names, offers skin tones, and closes with Escape, giving the focus back', async () => {
    const chat = await openTeam();
    emojiButton(chat).click();
    await gridEmoji(chat, '😀');
    const picker = deep(chat, 'ipp-room-view', 'ipp-emoji-picker', 'emoji-picker')!;
    const search = picker.shadowRoot!.querySelector<HTMLInputElement>('input[type=search]')!;
    expect(search.placeholder).to.equal('Rechercher');
    search.value = 'fusée';
    search.dispatchEvent(new Event('input', { bubbles: true }));
    await until(() => [...picker.shadowRoot!.querySelectorAll('button[role=option]')].map((o) => o.textContent).join('') === '🚀', 'the search result');
    expect(picker.shadowRoot!.querySelector('#skintone-button')!.getAttribute('aria-label')).to.match(/couleur de peau/);
    search.focus();
    await sendKeys({ press: 'Escape' });
    await until(() => !deep(chat, 'ipp-room-view', 'ipp-emoji-picker'), 'the picker closed');
    expect(chat.open).to.equal(true);
    expect(deep(chat, 'ipp-room-view', 'ipp-composer')!.shadowRoot!.activeElement).to.equal(emojiButton(chat));
    expect(violations).to.deep.equal([]);
  });

  it('reacts to a message with an emoji picked from "more"', async () => {
    const chat = await openTeam();
    const message = all(chat, 'ipp-room-view', 'ipp-message-list', 'ipp-message').at(-1)!;
    message.shadowRoot!.querySelector<HTMLButtonElement>('.actions button[aria-label="Autres réactions"]')!.click();
    const dialog = await until(() => deep(chat, 'ipp-room-view', 'ipp-emoji-picker'));
    expect(dialog.getAttribute('role')).to.equal('dialog');
    expect(dialog.getAttribute('aria-label')).to.equal('Réagir');
    (await gridEmoji(chat, '😂')).click();
    await until(() => fake.requests('PUT', /\/reactions\//).length, 'the reaction sent');
    expect(decodeURIComponent(fake.requests('PUT', /\/reactions\//)[0].path)).to.equal(`/messages/${fake.last(11)!.id}/reactions/😂`);
    await until(() => message.shadowRoot!.querySelector('ipp-reactions')?.shadowRoot!.querySelector('button[aria-pressed=true]'), 'my chip');
  });
});
