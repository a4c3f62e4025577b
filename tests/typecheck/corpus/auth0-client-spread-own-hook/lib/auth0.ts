import { Auth0Client } from '@auth0/nextjs-auth0/server';
import type { SessionData } from '@auth0/nextjs-auth0/types';

const sharedOptions = {
  async beforeSessionSaved(session: SessionData) {
    return { ...session, user: { ...session.user, plan: 'free' } };
  },
};

export const auth0 = new Auth0Client({ ...sharedOptions, signInReturnToPath: '/dashboard' });
