/** Domain errors: the error handler maps each to a status and a safe Chinese message. */
export class DomainError extends Error {
  constructor(
    readonly status: number,
    /** Shown to the user: plain Chinese, no internals. */
    readonly publicMessage: string,
    /** What refused it, item by item, for a page that shows the refusal (RuleError's always). */
    readonly problems?: Problem[],
  ) {
    super(publicMessage);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(message = '您要找的页面不存在，或者您无权查看。') {
    super(404, message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = '您当前登录的身份无权访问此页面。') {
    super(403, message);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, problems?: Problem[]) {
    super(409, message, problems);
  }
}

/** The thing was there but is no more, and the user is told why (e.g. an application that expired). */
export class GoneError extends DomainError {
  constructor(message: string) {
    super(410, message);
  }
}

export class ValidationError extends DomainError {
  constructor(message: string) {
    super(422, message);
  }
}

export class TooManyRequestsError extends DomainError {
  constructor(message: string) {
    super(429, message);
  }
}

/**
 * Why a rule refuses something: a stable code that routes and views decide by, the form field it
 * is about where there is one, and the sentence shown to the user.
 */
export type Problem = {
  code: string;
  message: string;
  field?: string;
  /** The application it is about, for a link to it (another open application, say). */
  applicationId?: string;
};

/** One or more rules of DESIGN.md §3 refuse the request. */
export class RuleError extends DomainError {
  constructor(override readonly problems: Problem[]) {
    super(422, problems.map((p) => p.message).join(' '), problems);
  }
}
