import { Auth0Client } from '@auth0/nextjs-auth0/server';

export default new Auth0Client();
