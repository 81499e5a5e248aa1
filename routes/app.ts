import type { ServerResponse } from 'node:http';
import express from 'express';
import { csrfProtection } from './middleware/csrf.js';
import { pageMiddleware } from './middleware/pages.js';
import { errorHandler, notFound } from './middleware/errors.js';
import { showRefusal } from './middleware/refusals.js';
import { requestLog } from './middleware/request-log.js';
import { securityHeaders } from './middleware/security.js';
import { paths } from './paths.js';
import { ASSET_DIRS, setUpViews } from './middleware/views.js';
import { fontStylesheetRoute } from './middleware/fonts.js';
import { createAuthenticator } from './middleware/passport.js';
import type { Services } from '../lib/services/index.js';
import { authRoutes } from './auth/index.js';
import { authorityRoutes } from './authority/index.js';
import { healthRoutes } from './health/index.js';
import { fileRoutes } from './files/index.js';
import { meRoutes } from './me/index.js';
import { orgRoutes } from './org/index.js';
import { publicRoutes } from './public/index.js';
import { requireOwnPassword } from './auth/new-password.js';
import type { Express } from 'express';

/** The whole site as an Express app, without a port: the entry point and the tests both build it. */
export function createApp(services: Services): Express {
  const { config, logger, sql } = services;
  const authenticator = createAuthenticator(sql);
  const app = express();
  app.set('trust proxy', config.trustProxy);
  app.set('query parser', 'simple');
  const { assetUrl, fontStylesheet } = setUpViews(app, { reload: config.viewsReload });

  app.use(requestLog(logger));
  app.use(securityHeaders(config.production));
  // Assets need no session. The fingerprinted URL of the file as it is here (the views'
  // `asset()`) is kept a year; any other (another version's, during a deploy) a day at most.
  const staticOptions = {
    index: false,
    maxAge: config.production ? '1d' : 0,
    setHeaders: (res: ServerResponse, file: string) => {
      const url = (res as ServerResponse & { req: { originalUrl: string } }).req.originalUrl;
      const [prefix, dir] = ASSET_DIRS.find(([, d]) => file.startsWith(`${d}/`)) ?? [];
      if (
        url.includes('?v=') &&
        prefix &&
        dir &&
        url === assetUrl(prefix + file.slice(dir.length))
      ) {
        res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      }
    },
  };
  // The web font's @font-face rules are built at start-up (fonts.ts), its files are static.
  app.get(paths.fontStylesheet, fontStylesheetRoute(fontStylesheet, config));
  for (const [prefix, dir] of ASSET_DIRS) app.use(prefix, express.static(dir, staticOptions));
  app.use(healthRoutes(services)); // before sessions: probes must not create them

  app.use(express.urlencoded({ extended: false, limit: '100kb' }));
  const { withSession, ifSession } = pageMiddleware(services, authenticator);
  // Public pages first: they read a session only when the visitor brings one.
  app.use(publicRoutes(services, ifSession));
  app.use(withSession);
  // A one-time password must be replaced before anything else is done with the account.
  app.use(requireOwnPassword);
  // Upload forms parse their multipart body and check its CSRF token themselves (uploadFields);
  // after them, the app-wide check refuses any state change without a token, multipart included.
  const me = meRoutes(services);
  const org = orgRoutes(services);
  app.use(me.uploads, org.uploads);
  app.use(csrfProtection);

  app.use(fileRoutes(services));
  app.use(authRoutes(services, authenticator));
  app.use(me.pages);
  app.use(org.pages);
  app.use(authorityRoutes(services));

  app.use(notFound);
  app.use(showRefusal);
  app.use(errorHandler(logger, config.env === 'development'));
  return app;
}
