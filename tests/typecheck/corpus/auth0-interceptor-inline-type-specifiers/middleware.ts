import { type NextRequest, type NextResponse } from 'next/server';

export default async function middleware(request: NextRequest): Promise<NextResponse | void> {
  console.log(request.nextUrl.pathname);
}
