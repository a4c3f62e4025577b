import type { NextRequest, NextResponse } from 'next/server';

export default function middleware(request: NextRequest): NextResponse | undefined {
  if (request.headers.get('x-debug')) console.log(request.nextUrl.pathname);
  return undefined;
}
