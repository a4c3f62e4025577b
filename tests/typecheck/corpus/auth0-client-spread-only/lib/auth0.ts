import { Auth0Client } from '@auth0/nextjs-auth0/server';

const shared = {
  appBaseUrl: process.env.APP_BASE_URL,
  session: { rolling: true, absoluteDuration: 60 * 60 * 24 * 7 },
};

export const auth0 = new Auth0Client({ ...shared });
