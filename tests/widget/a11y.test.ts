import { expect, fixture, html } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import '../../widget/index';
import type { IppChat } from '../../widget/ipp-chat';
import { API, FakeChat, TOKEN_URL, until } from './fake-api';
import { deep } from './dom';
import { afterEach, beforeEach, describe, it } from './mocha';

describe('<ipp-chat> accessibility and layout', () => {
  let fake: FakeChat;
  beforeEach(() => {
    fake = new FakeChat().install();
  });
  afterEach(async () => {
    fake.uninstall();
    await setViewport({ width: 1024, height: 768 });
  });

  async function openChat(theme = 'light') {
    const chat = await fixture<IppChat>(html`<ipp-chat api=${API} token-url=${TOKEN_URL} theme=${theme} open></ipp-chat>`);
    await until(() => deep(chat, 'ipp-room-list', '[part=room]'), 'the room list');
    return chat;
  }

  for (const theme of ['light', 'dark']) {
    it(`has no axe violations in the room list and in a room (${theme})`, async () => {
      const chat = await openChat(theme);
      await expect(chat).to.be.accessible();
      await chat.show(11);
      await until(() => deep(chat, 'ipp-room-view', 'ipp-message-list', 'ipp-message'));
      await expect(chat).to.be.accessible();
    });
  }

  it('has no axe violations in the new group and room settings views', async () => {
    const chat = await openChat();
    const list = deep(chat, 'ipp-room-list')!;
    list.shadowRoot!.querySelector<HTMLButtonElement>('[aria-label="Nouveau groupe"]')!.click();
    await until(() => deep(chat, 'ipp-new-room'));
    await expect(chat).to.be.accessible();
    await chat.show(11);
    const view = await until(() => deep<HTMLElement & { updateComplete: Promise<unknown> }>(chat, 'ipp-room-view'));
    await view.updateComplete;
    view.shadowRoot!.querySelector<HTMLButtonElement>('[aria-label="Paramètres"]')!.click();
    const settings = await until(() => deep(chat, 'ipp-room-settings', 'select'), 'the settings');
    expect(settings).to.exist;
    await expect(chat).to.be.accessible();
  });

  it('has no axe violations with reactions shown, the @ suggestions open and the emoji picker open', async () => {
    fake.last(11)!.reactions = [{ emoji: '👍', userIds: [2, 1] }];
    const chat = await openChat();
    await chat.show(11);
    const input = await until(() => deep<HTMLTextAreaElement>(chat, 'ipp-room-view', 'ipp-composer', 'textarea'));
    await until(() => deep(chat, 'ipp-room-view', 'ipp-message-list', 'ipp-message:last-of-type', 'ipp-reactions', 'button'), 'the chips');
    input.focus();
    input.value = '@';
    input.dispatchEvent(new Event('input'));
    await until(() => deep(chat, 'ipp-room-view', 'ipp-composer', '[role=option]'), 'the suggestions');
    await expect(chat).to.be.accessible();
    deep<HTMLButtonElement>(chat, 'ipp-room-view', 'ipp-composer', 'button[aria-label="Insérer un emoji"]')!.click();
    await until(() => deep(chat, 'ipp-room-view', 'ipp-emoji-picker', 'emoji-picker')?.shadowRoot?.querySelector('[role=menuitem]'), 'the picker');
    await expect(chat).to.be.accessible();
  });

  it('fills the viewport on a phone-sized screen', async () => {
    await setViewport({ width: 375, height: 667 });
    const chat = await openChat();
    const rect = chat.shadowRoot!.querySelector('[part=panel]')!.getBoundingClientRect();
    expect([rect.left, rect.top, rect.width, rect.height]).to.deep.equal([0, 0, 375, 667]);
  });

  it('floats bottom-right on a desktop screen', async () => {
    const chat = await openChat();
    const rect = chat.shadowRoot!.querySelector('[part=panel]')!.getBoundingClientRect();
    expect(rect.right).to.equal(innerWidth - 20);
    expect(rect.width).to.equal(380);
  });
});
