import { NextResponse, type NextRequest } from 'next/server';

export default async (req: NextRequest) => {
  const res = NextResponse.next();
  res.headers.set('x-frame-options', 'DENY');
  return res;
};

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
