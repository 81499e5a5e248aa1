/** Anything thrown or passed to a callback, as an Error (the original kept as its cause). */
export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error('callback failed', { cause: err });
}

/** Runs a Node-style callback API (Passport, express-session) as a promise. */
export function settle(fn: (done: (err?: unknown) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => fn((err) => (err ? reject(asError(err)) : resolve())));
}
