import { expect, fixture, html } from '@open-wc/testing';
import { initials } from '../../widget/ipp-avatar';
import type { IppAvatar } from '../../widget/ipp-avatar';
import { describe, it } from './mocha';

const avatar = (name: string, ident: number, online = false) =>
  fixture<IppAvatar>(html`<ipp-avatar .name=${name} .ident=${ident} .online=${online}></ipp-avatar>`);
const disc = (a: IppAvatar) => a.shadowRoot!.querySelector<HTMLElement>('.disc')!;

describe('<ipp-avatar>', () => {
  it('shows up to two initials of a name', () => {
    expect(initials('Camille Laurent')).to.equal('CL');
    expect(initials('Jean-Pierre de la Fontaine')).to.equal('JF');
    expect(initials('julien')).to.equal('J');
    expect(initials('Élodie Œuvray')).to.equal('ÉŒ');
    expect(initials('Dupont (intérim)')).to.equal('DI');
    expect(initials('   ')).to.equal('?');
  });

  it('keeps one colour per person, whatever page shows them, and tells colleagues apart', async () => {
    const [a, again, b] = [await avatar('Sophie Lefèvre', 3), await avatar('Sophie L.', 3), await avatar('Julien Moreau', 2)];
    const colour = (x: IppAvatar) => getComputedStyle(disc(x)).backgroundColor;
    expect(colour(a)).to.equal(colour(again));
    expect(colour(a)).not.to.equal(colour(b));
    // Ids 1 to 6 (the demo's people) get six different colours.
    const six = await Promise.all([1, 2, 3, 4, 5, 6].map((id) => avatar('X', id)));
    expect(new Set(six.map(colour)).size).to.equal(6);
  });

  it('is decorative, with a dot when the person has the chat open', async () => {
    const off = await avatar('Sophie Lefèvre', 3);
    expect(off.getAttribute('aria-hidden')).to.equal('true');
    expect(off.shadowRoot!.querySelector('.dot')).to.equal(null);
    const on = await avatar('Sophie Lefèvre', 3, true);
    expect(on.shadowRoot!.querySelector('.dot')).to.exist;
  });
});
