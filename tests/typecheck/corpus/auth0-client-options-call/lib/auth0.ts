import { Auth0Client } from '@auth0/nextjs-auth0/server';
import type { Auth0ClientOptions } from '@auth0/nextjs-auth0/types';

function getOptions(): Auth0ClientOptions {
  return { signInReturnToPath: process.env.RETURN_TO ?? '/' };
}

export const auth0 = new Auth0Client(getOptions());
