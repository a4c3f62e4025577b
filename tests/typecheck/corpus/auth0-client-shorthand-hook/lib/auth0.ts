import { Auth0Client } from '@auth0/nextjs-auth0/server';
import type { BeforeSessionSavedHook } from '@auth0/nextjs-auth0/types';

const beforeSessionSaved: BeforeSessionSavedHook = async (session) => session;

export const auth0 = new Auth0Client({ beforeSessionSaved });
