import { clerkMiddleware as withClerk } from '@clerk/nextjs/server';

export default withClerk();

export const config = {
  matcher: ['/((?!_next|.*\\..*).*)', '/(api|trpc)(.*)'],
};
