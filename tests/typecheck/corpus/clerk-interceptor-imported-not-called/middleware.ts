import { clerkMiddleware } from '@clerk/nextjs/server';
import { NextResponse, type NextRequest } from 'next/server';

export const clerkReady = typeof clerkMiddleware === 'function';

export default function middleware(request: NextRequest) {
  return NextResponse.next({ headers: { 'x-path': request.nextUrl.pathname } });
}
