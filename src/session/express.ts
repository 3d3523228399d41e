// Express middleware: `app.use(expressSession(manager))` gives every later handler
// `req.session` (a Session). The session is loaded before the handlers run and committed
// when the response ends — `res.end` is wrapped, as express-session does, so the store write
// and the Set-Cookie header happen before the status line leaves.
//
// Fault model: a store that cannot load answers through Express's error handling (the
// error's statusCode, 503); one that cannot save replaces the response with a 503 when the
// headers have not left yet (after res.write the body is already going: it ends as it was,
// and `onError` hears of the failure). Size errors come from `req.session.set` itself,
// inside the handler, where the application can answer them.

import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { SessionManager } from './manager.js';
import type { Session } from './session.js';

declare global {
  // Express's own augmentation point for Request.
  namespace Express {
    interface Request {
      /** Set by expressSession before any later handler runs. */
      session: Session;
    }
  }
}

export interface ExpressSessionOptions {
  /** Hears of commits that failed (the response was answered 503, or had already left). */
  readonly onError?: (error: unknown, req: Request) => void;
}

type End = (...args: unknown[]) => Response;

function failCommit(res: Response, end: End, error: unknown, args: unknown[]): void {
  if (res.headersSent) {
    end(...args);
    return;
  }
  const status = (error as { statusCode?: unknown }).statusCode;
  res.statusCode = typeof status === 'number' ? status : 500;
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  end('session store unavailable\n');
}

function commitOnEnd(
  manager: SessionManager,
  req: Request,
  res: Response,
  on: ExpressSessionOptions,
): void {
  const end = res.end.bind(res) as End;
  let ending = false;
  res.end = ((...args: unknown[]): Response => {
    if (ending) return end(...args); // The 503 above, or a second end: pass through.
    ending = true;
    manager.commit(req.session).then(
      (cookies) => {
        if (!res.headersSent) for (const cookie of cookies) res.append('Set-Cookie', cookie);
        end(...args);
      },
      (error: unknown) => {
        on.onError?.(error, req);
        failCommit(res, end, error, args);
      },
    );
    return res;
  }) as Response['end'];
}

export function expressSession(
  manager: SessionManager,
  options: ExpressSessionOptions = {},
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    manager.load(req.headers.cookie).then((session) => {
      req.session = session;
      commitOnEnd(manager, req, res, options);
      next();
    }, next);
  };
}
