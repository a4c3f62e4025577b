import { NextResponse } from 'next/server';

export default function middleware(request) {
  const response = NextResponse.next();
  response.headers.set('x-js', request.nextUrl.pathname);
  return response;
}
