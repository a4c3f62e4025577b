import { Auth0Client as A0 } from '@auth0/nextjs-auth0/server';

export const auth0 = new A0({ signInReturnToPath: '/' });
