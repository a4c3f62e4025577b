import { NextResponse, type NextRequest } from 'next/server';

export default function auth(request: NextRequest) {
  if (!request.cookies.has('session') && request.nextUrl.pathname.startsWith('/app')) {
    return NextResponse.redirect(new URL('/login', request.url));
  }
  return NextResponse.next();
}
