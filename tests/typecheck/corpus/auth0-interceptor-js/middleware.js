import { NextResponse } from 'next/server';

export default async function middleware(request) {
  if (request.nextUrl.pathname === '/old') {
    return NextResponse.redirect(new URL('/', request.url));
  }
  return NextResponse.next();
}
