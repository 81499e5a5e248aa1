import { Router } from 'express';
import type { Services } from '../../lib/services/index.js';
import type { Authenticator } from '../middleware/passport.js';
import { loginPages } from './login.js';
import { logoutPage } from './logout.js';
import { newPasswordPage } from './new-password.js';

/** Signing in and out. */
export function authRoutes(services: Services, authenticator: Authenticator): Router {
  const router = Router();
  loginPages(router, services, authenticator);
  logoutPage(router, services);
  newPasswordPage(router, services);
  return router;
}
