import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../widget/ipp-message';
import type { IppMessage } from '../../widget/ipp-message';
import type { ChatMessage } from '../../widget/types';
import { describe, it } from './mocha';

const base: ChatMessage = {
  id: 7,
  roomId: 1,
  senderId: 1,
  senderName: 'Alice',
  content: 'Bonjour',
  type: 'text',
  attachments: [],
  createdAt: '2026-01-05T09:30:00Z',
};

async function message(m: Partial<ChatMessage>, props: Partial<IppMessage> = {}) {
  const el = await fixture<IppMessage>(html`<ipp-message .message=${{ ...base, ...m }}></ipp-message>`);
  Object.assign(el, props);
  await el.updateComplete;
  return el;
}

const text = (el: IppMessage) => el.shadowRoot!.querySelector('.bubble')!.textContent!.replace(/\s+/g, ' ').trim();
const label = (el: IppMessage) => el.shadowRoot!.querySelector('.meta [role=img]')?.getAttribute('aria-label');

describe('<ipp-message>', () => {
  it('shows the time, the reply quote and the edited mark', async () => {
    const el = await message({ editedAt: '2026-01-05T09:31:00Z', replyTo: { id: 3, senderName: 'Bruno', excerpt: 'Le devis ?' } });
    expect(el.shadowRoot!.querySelector('blockquote')!.textContent).to.equal('Bruno Le devis ?');
    const time = el.shadowRoot!.querySelector('time')!;
    expect(time.getAttribute('datetime')).to.equal(base.createdAt);
    expect(time.textContent).to.match(/^\d\d:\d\d$/);
    expect(text(el)).to.contain('modifié');
  });

  it('shows a placeholder for a deleted message, without actions', async () => {
    const el = await message({ content: '', deletedAt: '2026-01-05T10:00:00Z' }, { mine: true, canEdit: true, canDelete: true });
    expect(text(el)).to.contain('Message supprimé');
    expect(el.shadowRoot!.querySelector('.actions')).to.equal(null);
  });

  it('shows ✓ when someone read my message and ✓✓ when everyone did', async () => {
    const el = await message({}, { mine: true, readBy: 0, readers: 2 });
    // Sent, read by nobody yet: one grey tick.
    expect(label(el)).to.equal('Envoyé');
    expect(el.shadowRoot!.querySelector('.meta [role=img]')!.className).not.to.contain('read');
    el.readBy = 1;
    await el.updateComplete;
    expect(label(el)).to.equal('Lu par 1');
    expect(el.shadowRoot!.querySelector('.meta [role=img]')!.textContent).to.equal('✓');
    expect(el.shadowRoot!.querySelector('.meta [role=img]')!.className).to.contain('read');
    el.readBy = 2;
    await el.updateComplete;
    expect(label(el)).to.equal('Lu par tous');
    expect(el.shadowRoot!.querySelector('.meta [role=img]')!.textContent).to.equal('✓✓');
  });

  it('shows pending and failed states; retry fires ipp-retry', async () => {
    const el = await message({ id: -1, status: 'sending', clientId: 'c1' }, { mine: true });
    expect(label(el)).to.equal('Envoi…');
    el.message = { ...el.message, status: 'failed' };
    await el.updateComplete;
    expect(text(el)).to.contain('Échec de l’envoi');
    const retry = oneEvent(el, 'ipp-retry');
    el.shadowRoot!.querySelector<HTMLButtonElement>('.actions button')!.click();
    expect((await retry).detail.message.clientId).to.equal('c1');
  });

  it('offers reply, edit and delete as allowed, each with an event', async () => {
    const el = await message({}, { mine: true, canReply: true, canEdit: true });
    const buttons = [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('.actions button')];
    expect(buttons.map((b) => b.getAttribute('aria-label'))).to.deep.equal(['Répondre', 'Modifier']);
    const edit = oneEvent(el, 'ipp-start-edit');
    buttons[1].click();
    expect((await edit).detail.message.id).to.equal(7);
  });

});
