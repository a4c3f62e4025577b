import { NextResponse, type NextRequest } from 'next/server';

export default function proxy(request: NextRequest) {
  if (!request.cookies.has('consent')) {
    return NextResponse.rewrite(new URL('/consent', request.url));
  }
}

export const config = {
  matcher: ['/((?!api|_next/static|_next/image|favicon.ico).*)'],
};
