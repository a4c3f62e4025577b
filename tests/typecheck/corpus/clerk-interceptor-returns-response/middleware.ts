import type { NextRequest } from 'next/server';

export default function middleware(request: NextRequest) {
  if (request.headers.get('user-agent')?.includes('BadBot')) {
    return new Response('blocked', { status: 403 });
  }
}
