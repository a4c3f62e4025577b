import { NextResponse, type NextRequest } from 'next/server';

export default function middleware(request: NextRequest) {
  if (request.nextUrl.pathname === '/legacy') {
    return NextResponse.redirect(new URL('/', request.url));
  }
}
