import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/*
 * `npm test` on a fresh machine (scripts/provision.sh, its pretest): quick
 * when everything is there, and otherwise, when it cannot install, one line
 * naming what is missing and the command that installs it.
 */

/** Runs the script as a user who cannot install (nobody, when the tests run as root). */
function provision(env: Record<string, string>) {
  const command = `${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ')} bash scripts/provision.sh`;
  const [file, args] = process.getuid?.() === 0 ? ['su', ['nobody', '-s', '/bin/bash', '-c', command]] : ['bash', ['-c', command]];
  return promisify(execFile)(file, args as string[], { cwd: process.cwd() }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
  );
}

describe('the set-up npm test does first', () => {
  it('passes at once when everything is there', async () => {
    const start = performance.now();
    const run = await provision({});
    expect(run).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(performance.now() - start).toBeLessThan(2000);
  });

  it('stops at once with one line naming what is missing and how to install it', async () => {
    const run = await provision({ CHROMIUM_PATH: '/nonexistent/chromium' });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('ipp-chat tests: missing chromium: install with `sudo apt-get install -y chromium` (or run npm test as root), then npm test again\n');
  });
});
