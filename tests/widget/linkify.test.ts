import { fixture, html, expect } from '@open-wc/testing';
import { linkify } from '../../widget/linkify';
import { describe, it } from './mocha';

const render = (text: string) => fixture(html`<p>${linkify(text)}</p>`);

describe('linkify', () => {
  it('makes http(s) links that open safely in a new tab', async () => {
    const p = await render('voir https://example.com/a?b=1, merci');
    const a = p.querySelector('a')!;
    expect(a.getAttribute('href')).to.equal('https://example.com/a?b=1');
    expect(a.rel).to.equal('noopener noreferrer');
    expect(a.target).to.equal('_blank');
    expect(p.textContent).to.equal('voir https://example.com/a?b=1, merci');
  });

  it('never links javascript: or data: URLs, and renders markup as text', async () => {
    const p = await render('<img src=x onerror=alert(1)> javascript:alert(1) data:text/html,<b>x</b>');
    expect(p.querySelector('a, img, b')).to.equal(null);
    expect(p.textContent).to.contain('<img src=x onerror=alert(1)>');
  });
});
