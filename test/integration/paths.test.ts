import type { Router } from 'express';
import { describe, expect, it } from 'vitest';
import { paths } from '../../routes/paths.js';
import { createTestApp } from '../support/app.js';

/** Every string and pattern declared in `paths`. */
function declared(node: unknown, into = new Set<string>()): Set<string> {
  if (typeof node === 'string') into.add(node);
  else if (typeof node === 'function' && 'pattern' in node) into.add(String(node.pattern));
  else if (node && typeof node === 'object') for (const v of Object.values(node)) declared(v, into);
  return into;
}

type Layer = {
  route?: { path: string | string[] };
  rawPath?: string | string[];
  handle: { stack?: Layer[] };
};

/** The paths every route and mounted middleware of a router is registered on. */
function registered(stack: Layer[], into: string[] = []): string[] {
  for (const layer of stack) {
    const raw = layer.route?.path ?? layer.rawPath;
    for (const path of [raw].flat()) if (path !== undefined && path !== '/') into.push(path);
    if (layer.route?.path === '/') into.push('/');
    if (layer.handle.stack) registered(layer.handle.stack, into);
  }
  return into;
}

describe('paths', () => {
  it('fill their parameters in order, encoded', () => {
    expect(paths.me.step('a1', 'uploads')).toBe('/me/applications/a1/steps/uploads');
    expect(paths.org.correction('a b', 'x/y')).toBe('/org/applications/a%20b/corrections/x%2Fy');
    expect(paths.file.pattern).toBe('/files/:id');
  });

  it('hold every path the app registers a route or middleware on', async () => {
    const t = await createTestApp();
    try {
      const router = (t.app as unknown as { router: Router & { stack: Layer[] } }).router;
      const used = registered(router.stack);
      expect(used.length).toBeGreaterThan(40);
      const known = declared(paths);
      expect(used.filter((p) => !known.has(p))).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
