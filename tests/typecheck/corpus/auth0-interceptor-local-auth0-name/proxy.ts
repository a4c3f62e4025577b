import { NextResponse, type NextRequest } from 'next/server';

const auth0 = { loginPath: '/auth/login' };

export default function proxy(req: NextRequest) {
  if (req.nextUrl.pathname === '/login') return NextResponse.redirect(new URL(auth0.loginPath, req.url));
  return NextResponse.next();
}
