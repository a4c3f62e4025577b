import { Auth0Client } from '@auth0/nextjs-auth0/server';

export const auth = new Auth0Client({
  session: { rolling: true },
});
