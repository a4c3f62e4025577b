import { NextResponse, type NextFetchEvent, type NextRequest } from 'next/server';

export default async function middleware(req: NextRequest, event: NextFetchEvent) {
  event.waitUntil(Promise.resolve(req.nextUrl.pathname));
  return NextResponse.next();
}
