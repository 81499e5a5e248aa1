import path from 'node:path';
import express from 'express';
import { csrfProtection, csrfToken } from './middleware/csrf.js';
import { errorHandler, notFound } from './middleware/errors.js';
import { showRefusal } from './middleware/refusals.js';
import { requestLog } from './middleware/request-log.js';
import { securityHeaders } from './middleware/security.js';
import { sessions } from './middleware/session.js';
import { setUpViews } from './middleware/views.js';
import { createAuthenticator } from './middleware/passport.js';
import { paths } from './paths.js';
import type { Services } from '../lib/services/index.js';
import { authRoutes } from './auth/index.js';
import { authorityRoutes } from './authority/index.js';
import { healthRoutes } from './health/index.js';
import { fileRoutes } from './files/index.js';
import { meRoutes } from './me/index.js';
import { orgRoutes } from './org/index.js';
import { publicRoutes } from './public/index.js';
import type { Express, RequestHandler } from 'express';

const ROOT = path.resolve(import.meta.dirname, '..');

/** The whole site as an Express app, without a port: the entry point and the tests both build it. */
export function createApp(services: Services): Express {
  const { config, logger, sql } = services;
  const authenticator = createAuthenticator(sql);
  const app = express();
  app.set('trust proxy', config.trustProxy);
  app.set('query parser', 'simple');
  setUpViews(app, config.production);

  app.use(requestLog(logger));
  app.use(securityHeaders(config.production));
  const staticOptions = { maxAge: config.production ? '1d' : 0, index: false };
  app.use(paths.assets, express.static(path.join(ROOT, 'public'), staticOptions));
  app.use(
    paths.vendorScripts,
    express.static(path.join(ROOT, 'node_modules/htmx.org/dist'), staticOptions),
  );
  app.use(healthRoutes(services)); // before sessions: probes must not create them

  app.use(express.urlencoded({ extended: false, limit: '100kb' }));
  app.use(sessions(services));
  app.use(authenticator.initialize() as RequestHandler, authenticator.session() as RequestHandler);
  app.use(csrfToken);
  app.use((req, res, next) => {
    // Pages carry personal data: never kept by the browser or a proxy (Back after logout too).
    res.set('Cache-Control', 'no-store');
    res.locals.user = req.user;
    res.locals.currentPath = req.path;
    res.vary('HX-Request');
    next();
  });
  // Upload forms parse their multipart body and check its CSRF token themselves (uploadFields);
  // after them, the app-wide check refuses any state change without a token, multipart included.
  const me = meRoutes(services);
  const org = orgRoutes(services);
  app.use(me.uploads, org.uploads);
  app.use(csrfProtection);

  app.use(publicRoutes(services));
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
