import { expect } from '@open-wc/testing';
import { TokenController, tokenExpiry } from '../../widget/token-controller';
import { jwt } from './fake-api';
import { afterEach, beforeEach, describe, it } from './mocha';

const host = { addController() {}, removeController() {}, requestUpdate() {}, updateComplete: Promise.resolve(true) };
const inSeconds = (s: number) => Math.floor(Date.now() / 1000) + s;

describe('TokenController', () => {
  const realFetch = window.fetch;
  let calls: RequestInit[];
  let lifetime: number;
  beforeEach(() => {
    calls = [];
    lifetime = 3600;
    window.fetch = async (_url, init) => {
      calls.push(init!);
      await new Promise((r) => setTimeout(r, 20));
      return Response.json({ token: jwt({ sub: '1', exp: inSeconds(lifetime), n: calls.length }) });
    };
  });
  afterEach(() => {
    window.fetch = realFetch;
  });

  it('reads exp from the payload', () => {
    expect(tokenExpiry(jwt({ exp: 1700000000 }))).to.equal(1700000000_000);
    expect(tokenExpiry('not a jwt')).to.equal(undefined);
  });

  it('fetches from token-url with the cookies, once for concurrent callers, and reuses the token', async () => {
    const tokens = new TokenController(host, () => ({ tokenUrl: '/token' }));
    const [a, b] = await Promise.all([tokens.get(), tokens.get()]);
    expect(a).to.equal(b);
    expect(await tokens.get()).to.equal(a);
    expect(calls).to.have.length(1);
    expect(calls[0].credentials).to.equal('include');
    tokens.hostDisconnected();
  });

  it('renews a token about to expire, and after a 401 only once', async () => {
    lifetime = 30;
    const tokens = new TokenController(host, () => ({ tokenUrl: '/token' }));
    const first = await tokens.get();
    const second = await tokens.get();
    expect(second).not.to.equal(first);
    // Three requests refused with the same token: one renewal.
    const renewed = await Promise.all([tokens.refresh(second), tokens.refresh(second), tokens.refresh(second)]);
    expect(new Set(renewed).size).to.equal(1);
    expect(calls).to.have.length(3);
    // A request refused with an older token gets the current one, without a fetch.
    expect(await tokens.refresh(first)).to.equal(renewed[0]);
    expect(calls).to.have.length(3);
    tokens.hostDisconnected();
  });

  it('uses a static token as is', async () => {
    const tokens = new TokenController(host, () => ({ token: 'static' }));
    expect(await tokens.get()).to.equal('static');
    expect(tokens.renewable).to.equal(false);
    expect(calls).to.have.length(0);
  });
});
