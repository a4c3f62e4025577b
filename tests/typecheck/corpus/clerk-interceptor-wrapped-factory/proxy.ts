import { NextResponse, type NextMiddleware, type NextRequest } from 'next/server';

function withLogging(next: (req: NextRequest) => NextResponse): NextMiddleware {
  return (req, event) => {
    event.waitUntil(Promise.resolve(console.log(req.method, req.nextUrl.pathname)));
    return next(req);
  };
}

const handler = (req: NextRequest) => NextResponse.next({ headers: { 'x-path': req.nextUrl.pathname } });

export default withLogging(handler);
