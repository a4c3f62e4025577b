import { NextResponse, type NextRequest } from 'next/server';

function handler(request: NextRequest) {
  return NextResponse.next({ headers: { 'x-handler': request.nextUrl.pathname } });
}

export { handler as default };

export const config = { matcher: ['/app/:path*'] };
