import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../widget/ipp-composer';
import type { IppComposer } from '../../widget/ipp-composer';
import type { SendDetail } from '../../widget/events';
import type { ChatMessage } from '../../widget/types';
import { describe, it } from './mocha';

const quoted: ChatMessage = {
  id: 5,
  roomId: 1,
  senderId: 2,
  senderName: 'Bruno',
  content: 'Le devis est prêt',
  type: 'text',
  attachments: [],
  createdAt: '2026-01-05T09:30:00Z',
};

async function composer() {
  const el = await fixture<IppComposer>(html`<ipp-composer></ipp-composer>`);
  const textarea = el.shadowRoot!.querySelector('textarea')!;
  textarea.focus();
  return { el, textarea };
}

describe('<ipp-composer>', () => {
  it('sends with Enter, keeps Shift+Enter as a new line, and does not send blank text', async () => {
    const { el, textarea } = await composer();
    const sent: SendDetail[] = [];
    el.addEventListener('ipp-send', (e) => sent.push(e.detail));
    await sendKeys({ press: 'Enter' });
    expect(sent).to.have.length(0);
    await sendKeys({ type: 'un' });
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Enter' });
    await sendKeys({ up: 'Shift' });
    await sendKeys({ type: 'deux' });
    expect(textarea.value).to.equal('un\ndeux');
    await sendKeys({ press: 'Enter' });
    expect(sent).to.deep.equal([{ content: 'un\ndeux', files: [] }]);
    expect(textarea.value).to.equal('');
  });

  it('sends the reply target, and Escape cancels the reply without leaving the composer', async () => {
    const { el } = await composer();
    el.replyTo = quoted;
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.context')!.textContent).to.contain('Réponse à Bruno');
    const cancel = oneEvent(el, 'ipp-cancel');
    const escape = oneEvent(el, 'keydown');
    await sendKeys({ press: 'Escape' });
    await cancel;
    // Marked as handled, so that <ipp-chat> does not close the panel as well.
    expect((await escape).defaultPrevented).to.equal(true);
    el.replyTo = quoted;
    await el.updateComplete;
    const send = oneEvent(el, 'ipp-send');
    await sendKeys({ type: 'Merci' });
    await sendKeys({ press: 'Enter' });
    expect((await send).detail).to.deep.equal({ content: 'Merci', files: [], replyToId: 5 });
  });

  it('edits: fills the text in, fires ipp-edit with the new content, then gives the draft back', async () => {
    const { el, textarea } = await composer();
    textarea.value = 'brouillon';
    el.editing = { ...quoted, senderId: 1 };
    await el.updateComplete;
    expect(textarea.value).to.equal('Le devis est prêt');
    textarea.value = 'Le devis est envoyé';
    const edit = oneEvent(el, 'ipp-edit');
    await sendKeys({ press: 'Enter' });
    expect((await edit).detail.content).to.equal('Le devis est envoyé');
    el.editing = null;
    await el.updateComplete;
    expect(textarea.value).to.equal('brouillon');
  });

  it('takes pasted files and removes them on request', async () => {
    const { el, textarea } = await composer();
    const data = new DataTransfer();
    data.items.add(new File(['x'], 'photo.png', { type: 'image/png' }));
    textarea.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    await el.updateComplete;
    expect(el.files.map((f) => f.name)).to.deep.equal(['photo.png']);
    const remove = el.shadowRoot!.querySelector<HTMLButtonElement>('.files button')!;
    expect(remove.getAttribute('aria-label')).to.equal('Retirer photo.png');
    el.addFiles([new File(['y'], 'devis.pdf')]);
    remove.click();
    await el.updateComplete;
    expect(el.files.map((f) => f.name)).to.deep.equal(['devis.pdf']);
    const send = oneEvent(el, 'ipp-send');
    await sendKeys({ press: 'Enter' });
    expect((await send).detail.files.map((f: File) => f.name)).to.deep.equal(['devis.pdf']);
  });

  it('refuses, before sending, more files than a message carries and types the server does not accept', async () => {
    const { el } = await composer();
    const notice = () => el.shadowRoot!.querySelector('.notice')!.textContent!.trim();
    el.addFiles(Array.from({ length: 11 }, (_, i) => new File(['x'], `photo-${i + 1}.png`)));
    await el.updateComplete;
    expect(el.files).to.have.length(10);
    expect(notice()).to.contain('10 fichiers au plus');
    el.addFiles([new File(['y'], 'encore.pdf')]);
    await el.updateComplete;
    expect(el.files).to.have.length(10);
    el.files = [];
    el.addFiles([new File(['z'], 'setup.exe'), new File(['p'], 'devis.pdf')]);
    await el.updateComplete;
    expect(el.files.map((f) => f.name)).to.deep.equal(['devis.pdf']);
    expect(notice()).to.contain('setup.exe : ce type de fichier n’est pas accepté');
    const input = el.shadowRoot!.querySelector<HTMLInputElement>('input[type=file]')!;
    expect(input.accept).to.contain('.xlsx');
    const send = oneEvent(el, 'ipp-send');
    await sendKeys({ press: 'Enter' });
    expect((await send).detail.files).to.have.length(1);
    await el.updateComplete;
    expect(notice()).to.equal('');
  });
});
