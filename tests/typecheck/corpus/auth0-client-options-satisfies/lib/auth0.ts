import { Auth0Client } from '@auth0/nextjs-auth0/server';
import type { Auth0ClientOptions } from '@auth0/nextjs-auth0/types';

const options = {
  authorizationParameters: { scope: 'openid profile email offline_access' },
} satisfies Auth0ClientOptions;

export const auth0 = new Auth0Client(options);
