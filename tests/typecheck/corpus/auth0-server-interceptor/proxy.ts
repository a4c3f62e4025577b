import { NextResponse, type NextRequest } from 'next/server';

export default function proxy(request: NextRequest) {
  if (request.nextUrl.pathname.startsWith('/admin') && !request.cookies.has('admin')) {
    return NextResponse.redirect(new URL('/', request.url));
  }
  return NextResponse.next();
}
