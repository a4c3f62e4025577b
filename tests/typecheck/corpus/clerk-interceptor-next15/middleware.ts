import { NextResponse, type NextRequest } from 'next/server';

export default async function middleware(request: NextRequest) {
  const response = NextResponse.next();
  response.headers.set('x-next', '15');
  return response;
}
