import { Auth0Client } from '@auth0/nextjs-auth0/server';
import type { BeforeSessionSavedHook } from '@auth0/nextjs-auth0/types';

const hook: BeforeSessionSavedHook = async (session) => session;
const base = { beforeSessionSaved: hook };
const options = { ...base, signInReturnToPath: '/' };

export const auth0 = new Auth0Client(options);
