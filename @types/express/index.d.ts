import type { EnterpriseInformation } from '../../lib/enterprise/index.js';
import type { SessionUser } from '../../lib/identity/index.js';
import type { KeptRefusal } from '../../routes/middleware/flash.js';
import type { Refusal } from '../../routes/middleware/refusals.js';

declare global {
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends SessionUser {}
    interface Request {
      /** This request's number in this process, in its log line (routes/middleware/request-log.ts). */
      id?: number;
      /**
       * Per-field messages from the upload middleware (a file over 10MB, too many files), for the
       * route to show beside the field while keeping the other values typed.
       */
      uploadErrors?: Record<string, string>;
    }
    interface Locals {
      user: SessionUser | undefined;
      /** The CSRF token for this session, made on first use so anonymous pages need no session. */
      csrf: () => string;
      currentPath: string;
      /** On /org pages: the signed-in enterprise. */
      enterprise?: EnterpriseInformation;
      /** How the page shows a refusal of the action it posted (routes/middleware/refusals.ts). */
      refusal?: Refusal;
    }
  }
}

declare module 'express-session' {
  interface SessionData {
    /** Where to go after signing in, when a protected page sent the visitor to log in. */
    returnTo?: string;
    csrfToken?: string;
    /** A refused upload's errors, for the page it redirected to (routes/middleware/flash.ts). */
    refused?: KeptRefusal;
  }
}

export {};
