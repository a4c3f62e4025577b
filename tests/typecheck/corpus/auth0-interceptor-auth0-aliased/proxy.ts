import { NextResponse, type NextRequest } from 'next/server';
import { auth0 as client } from './lib/auth0';

export default async function proxy(req: NextRequest) {
  if (req.nextUrl.pathname.startsWith('/account')) {
    const session = await client.getSession(req);
    if (!session) return NextResponse.redirect(new URL('/auth/login', req.url));
  }
  return NextResponse.next();
}
