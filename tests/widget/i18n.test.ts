import { expect } from '@open-wc/testing';
import { createI18n, pickLang } from '../../widget/i18n';
import { describe, it } from './mocha';

describe('i18n', () => {
  it('takes the element lang, else the page lang, else French', () => {
    expect(pickLang('en', 'fr')).to.equal('en');
    expect(pickLang('', 'en-GB')).to.equal('en');
    expect(pickLang(null, 'de')).to.equal('fr');
    expect(pickLang('EN-us')).to.equal('en');
  });

  it('formats sizes, days and plurals per language', () => {
    const fr = createI18n('fr');
    const en = createI18n('en');
    expect(fr.size(2048)).to.equal('2 Ko');
    expect(en.size(1536 * 1024)).to.equal('1.5 MB');
    expect(fr.day(new Date().toISOString())).to.equal('Aujourd’hui');
    expect(en.day(new Date(Date.now() - 864e5).toISOString())).to.equal('Yesterday');
    expect(fr.day('2025-03-14T12:00:00Z')).to.match(/14 mars 2025/);
    expect(en.t.unread(1)).to.equal('1 unread message');
    expect(fr.t.unread(3)).to.equal('3 messages non lus');
  });
});
