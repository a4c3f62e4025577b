import { authkitMiddleware } from '@workos-inc/authkit-nextjs';

export const middleware = authkitMiddleware({ debug: true });

export const config = { matcher: ['/dashboard/:path*'] };
