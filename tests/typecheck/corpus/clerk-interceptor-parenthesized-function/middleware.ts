import { NextResponse, type NextRequest } from 'next/server';

export default (function middleware(req: NextRequest) {
  return NextResponse.next({ headers: { 'x-mw': req.method } });
});
