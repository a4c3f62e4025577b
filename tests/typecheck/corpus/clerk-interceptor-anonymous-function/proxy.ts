import { NextResponse, type NextRequest } from 'next/server';

export default async function (req: NextRequest) {
  return req.nextUrl.pathname === '/health' ? new NextResponse('ok') : NextResponse.next();
}
