import type { NextRequest, NextResponse } from 'next/server';

export default function middleware(request: NextRequest): NextResponse | undefined {
  console.log(request.method, request.nextUrl.pathname);
  return undefined;
}
