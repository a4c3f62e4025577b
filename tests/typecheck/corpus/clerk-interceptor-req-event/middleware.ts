import { NextResponse } from 'next/server';
import type { NextFetchEvent, NextRequest } from 'next/server';

export default async function middleware(req: NextRequest, event: NextFetchEvent) {
  event.waitUntil(
    fetch('https://example.com/log', { method: 'POST', body: req.nextUrl.pathname }).then(() => undefined),
  );
  return NextResponse.next();
}
