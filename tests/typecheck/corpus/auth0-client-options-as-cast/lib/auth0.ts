import { Auth0Client } from '@auth0/nextjs-auth0/server';
import type { Auth0ClientOptions } from '@auth0/nextjs-auth0/types';

export const auth0 = new Auth0Client({ signInReturnToPath: '/' } as Auth0ClientOptions);
