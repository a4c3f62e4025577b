import { Auth0Client } from '@auth0/nextjs-auth0/server';

const options = {
  appBaseUrl: process.env.APP_BASE_URL,
  signInReturnToPath: '/app',
};

export const auth0 = new Auth0Client(options);
