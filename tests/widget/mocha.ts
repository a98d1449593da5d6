// Typed access to the Mocha globals that @web/test-runner provides in the
// browser; imported rather than declared globally, so that they cannot clash
// with the server tests' Vitest types in the shared tsconfig.
type Fn = (this: { timeout(ms: number): void }) => void | Promise<void>;

interface MochaGlobals {
  describe(name: string, fn: () => void): void;
  it(name: string, fn: Fn): void;
  before(fn: Fn): void;
  beforeEach(fn: Fn): void;
  afterEach(fn: Fn): void;
}

export const { describe, it, before, beforeEach, afterEach } = globalThis as unknown as MochaGlobals;
