import { Auth0Client } from '@auth0/nextjs-auth0/server';

export const auth0 = new Auth0Client({
  async beforeSessionSaved(session, idToken) {
    console.log('id token present:', idToken !== null);
    return {
      ...session,
      user: { sub: session.user.sub, name: session.user.name, email: session.user.email },
    };
  },
});
