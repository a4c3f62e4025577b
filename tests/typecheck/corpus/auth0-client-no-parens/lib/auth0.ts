import { Auth0Client } from '@auth0/nextjs-auth0/server';

// eslint-disable-next-line new-parens
export const auth0 = new Auth0Client;
