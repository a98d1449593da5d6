import { expect, fixture, html } from '@open-wc/testing';
import '../../widget/index';
import type { IppChat } from '../../widget/ipp-chat';
import { API, FakeChat, TOKEN_URL, until } from './fake-api';
import { deep } from './dom';
import { afterEach, beforeEach, describe, it } from './mocha';

/** The notification settings of the panel: e-mail while away, its delay, the sound. */
describe('<ipp-notification-settings>', () => {
  let fake: FakeChat;
  beforeEach(() => {
    fake = new FakeChat().install();
  });
  afterEach(() => fake.uninstall());

  async function openSettings(lang = 'fr') {
    const chat = await fixture<IppChat>(html`<ipp-chat api=${API} token-url=${TOKEN_URL} lang=${lang} open></ipp-chat>`);
    await until(() => deep(chat, 'ipp-room-list', '[part=room]'), 'the room list');
    const label = lang === 'fr' ? 'Préférences de notification' : 'Notification settings';
    deep(chat, 'ipp-room-list')!.shadowRoot!.querySelector<HTMLButtonElement>(`[aria-label="${label}"]`)!.click();
    await until(() => deep(chat, 'ipp-notification-settings', 'input[type=radio]:checked'), 'the settings, loaded');
    return { chat, root: deep(chat, 'ipp-notification-settings')!.shadowRoot! };
  }
  const radio = (root: ShadowRoot, value: string) => root.querySelector<HTMLInputElement>(`input[type=radio][value=${value}]`)!;
  const labelOf = (input: Element) => input.closest('label')!.textContent!.replace(/\s+/g, ' ').trim();
  const patches = () => fake.requests('PATCH', '/me/preferences').map((r) => JSON.stringify(r.body));

  it('shows the preferences and saves each change at once', async () => {
    const { chat, root } = await openSettings();
    expect(radio(root, 'mentions').checked).to.equal(true);
    expect(labelOf(radio(root, 'mentions'))).to.equal('Messages directs et mentions');
    const select = root.querySelector('select')!;
    expect(select.value).to.equal('15');
    expect([...select.options].map((o) => o.textContent)).to.deep.equal(['5 min', '15 min', '30 min', '1 h', '2 h', '4 h', '24 h']);

    radio(root, 'all').click();
    await until(() => fake.preferences.email === 'all', 'the PATCH of the mode');
    select.value = '60';
    select.dispatchEvent(new Event('change'));
    await until(() => fake.preferences.emailDelayMinutes === 60, 'the PATCH of the delay');
    const sound = root.querySelector<HTMLInputElement>('input[type=checkbox]')!;
    expect(sound.checked).to.equal(true);
    sound.click();
    await until(() => fake.preferences.sound === false, 'the PATCH of the sound');
    expect(patches()).to.deep.equal(['{"email":"all"}', '{"emailDelayMinutes":60}', '{"sound":false}']);

    // What the panel shows is what the server holds, after going back and coming again.
    deep(chat, 'ipp-notification-settings')!.shadowRoot!.querySelector<HTMLButtonElement>('[aria-label=Retour]')!.click();
    await until(() => !deep(chat, 'ipp-notification-settings'), 'back to the list');
    const again = (await openSettings()).root;
    expect(radio(again, 'all').checked).to.equal(true);
    expect(again.querySelector('select')!.value).to.equal('60');
    expect(again.querySelector<HTMLInputElement>('input[type=checkbox]')!.checked).to.equal(false);
  });

  it('puts a refused change back and says why, and turning e-mail off disables the delay', async () => {
    const { root } = await openSettings();
    fake.offline = true;
    radio(root, 'all').click();
    await until(() => root.querySelector('[role=alert]'), 'the error');
    await until(() => radio(root, 'mentions').checked, 'the mode put back');
    expect(radio(root, 'all').checked).to.equal(false);
    fake.offline = false;
    radio(root, 'off').click();
    await until(() => fake.preferences.email === 'off', 'the PATCH');
    await until(() => root.querySelector('select')!.disabled, 'the delay disabled');
  });

  it('says when e-mail is not available, in English too, and names every control', async () => {
    fake.preferences.emailAvailable = false;
    const { chat, root } = await openSettings('en');
    expect(root.textContent).to.contain('E-mail is not available for your account.');
    expect(radio(root, 'all').disabled || !!radio(root, 'all').closest('fieldset')!.disabled).to.equal(true);
    expect(labelOf(root.querySelector('input[type=checkbox]')!)).to.equal('Play a sound when a message arrives');
    await expect(chat).to.be.accessible();
  });
});
