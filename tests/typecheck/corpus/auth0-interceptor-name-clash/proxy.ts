import { NextResponse, type NextRequest } from 'next/server';

const appMiddleware = (req: NextRequest) => req.nextUrl.pathname.startsWith('/app');

export default function proxy(req: NextRequest) {
  if (appMiddleware(req)) return NextResponse.next({ headers: { 'x-app': '1' } });
  return NextResponse.next();
}
