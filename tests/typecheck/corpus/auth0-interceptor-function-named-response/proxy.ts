import { NextResponse, type NextRequest } from 'next/server';

export default function response(request: NextRequest) {
  return NextResponse.next({ headers: { 'x-path': request.nextUrl.pathname } });
}
