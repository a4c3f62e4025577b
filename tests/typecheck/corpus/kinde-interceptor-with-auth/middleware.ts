import { withAuth } from '@kinde-oss/kinde-auth-nextjs/middleware';
import type { NextRequest } from 'next/server';

export default withAuth(
  async function middleware(req: NextRequest) {
    console.log('look at me', req.nextUrl.pathname);
  },
  { isReturnToCurrentPage: true, publicPaths: ['/'] },
);

export const config = {
  matcher: ['/((?!_next|[^?]*\\.(?:html?|css|js(?!on)|jpe?g|webp|png|gif|svg|ttf|woff2?|ico|csv|docx?|xlsx?|zip|webmanifest)).*)'],
};
