import { expect, fixture, html } from '@open-wc/testing';
import type { IppChat } from '../../widget/ipp-chat';
import { API, FakeChat, TOKEN_URL, until } from './fake-api';
import { deep } from './dom';
import { afterEach, beforeEach, describe, it } from './mocha';

// This file's page gets a strict policy (each test file has its own page): no
// 'unsafe-inline', no 'unsafe-eval'; blob: images for the thumbnails.
const meta = document.createElement('meta');
meta.httpEquiv = 'Content-Security-Policy';
meta.content = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob:; connect-src 'self' ws: http://chat.test";
document.head.append(meta);

describe('<ipp-chat> under a strict CSP', () => {
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

  it('renders, styles itself and shows thumbnails without a violation', async () => {
    fake.addMessage(11, 2, 'photo', {
      attachments: [{ id: 9, fileName: 'quai.png', size: 70, mimeType: 'image/png', extension: 'png', url: '/api/chat/attachments/9', thumbnailUrl: '/api/chat/attachments/9/thumbnail' }],
    });
    await import('../../widget/index');
    const chat = await fixture<IppChat>(html`<ipp-chat api=${API} token-url=${TOKEN_URL}></ipp-chat>`);
    await chat.show(11);
    const img = await until(() => {
      const msg = deep(chat, 'ipp-room-view', 'ipp-message-list', 'ipp-message:last-of-type');
      return msg?.shadowRoot!.querySelector('ipp-attachment')?.shadowRoot!.querySelector('img');
    }, 'the thumbnail');
    await until(() => img.complete && img.naturalWidth, 'the picture to load');
    expect(getComputedStyle(chat.shadowRoot!.querySelector('.launcher')!).borderRadius).to.equal('50%');
    // A control: an inline style attribute is refused under this policy.
    const probe = document.createElement('div');
    probe.innerHTML = '<p style="color: red">x</p>';
    document.body.append(probe);
    await until(() => violations.length, 'the control violation');
    probe.remove();
    expect(violations).to.deep.equal(['style-src-attr inline']);
  });
});
