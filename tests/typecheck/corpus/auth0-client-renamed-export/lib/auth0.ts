import { Auth0Client } from '@auth0/nextjs-auth0/server';

export const authClient = new Auth0Client({ appBaseUrl: 'http://localhost:3000', });
