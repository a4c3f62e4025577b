import { NextResponse as Res, type NextRequest } from 'next/server';

export default function proxy(req: NextRequest) {
  return req.nextUrl.pathname === '/ping' ? new Res('pong') : Res.next();
}
