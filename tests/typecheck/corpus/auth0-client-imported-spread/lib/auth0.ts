import { Auth0Client } from '@auth0/nextjs-auth0/server';
import { baseOptions } from './auth0-options';

export const auth0 = new Auth0Client({ ...baseOptions, appBaseUrl: process.env.APP_BASE_URL });
