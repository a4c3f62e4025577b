import { Auth0Client } from '@auth0/nextjs-auth0/server';
import type { Auth0ClientOptions } from '@auth0/nextjs-auth0/types';

export const routes = { login: '/auth/login', logout: '/auth/logout' } as const;

export const auth0Options: Auth0ClientOptions = {
  routes,
  session: { rolling: true },
};

export const auth0 = new Auth0Client(auth0Options);
