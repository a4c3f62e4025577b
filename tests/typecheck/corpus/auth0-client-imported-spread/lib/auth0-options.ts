import type { Auth0ClientOptions } from '@auth0/nextjs-auth0/types';

export const baseOptions: Auth0ClientOptions = {
  signInReturnToPath: '/dashboard',
};
