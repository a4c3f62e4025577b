import { Auth0Client } from '@auth0/nextjs-auth0/server';

// Draft, not wired yet.
export function copyInsforgeToken(token: string): string {
  return token.trim();
}

export const auth0 = new Auth0Client({ signInReturnToPath: '/' });
