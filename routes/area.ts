import { Router } from 'express';
import type { Services } from '../lib/services/index.js';

/**
 * The routers of one area of the site: `pages`, and `uploads` for the forms that send files,
 * which are mounted before the app-wide CSRF check because they parse the multipart body and
 * check its token themselves (uploadFields).
 */
export type AreaRouters = { pages: Router; uploads: Router };

/** One page or journey: it registers its handlers on the area's routers. */
export type Pages = (routers: AreaRouters, services: Services) => void;

/** The routers of an area, with its pages registered in the order given. */
export function areaRouters(
  services: Services,
  setUp: (routers: AreaRouters) => void,
  pages: Pages[],
): AreaRouters {
  const routers = { pages: Router(), uploads: Router() };
  setUp(routers);
  for (const register of pages) register(routers, services);
  return routers;
}

/** The page number asked for in the query string (from 1; anything else is page 1). */
export function pageParam(query: Record<string, unknown>): number {
  const page = Number(query.page);
  return Number.isInteger(page) && page >= 1 && page <= 100_000 ? page : 1;
}
