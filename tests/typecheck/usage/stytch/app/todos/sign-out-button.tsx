'use client';

// The sign-out the Stytch next steps show.
import { useStytch } from '@stytch/nextjs';

export default function SignOutButton() {
  const stytch = useStytch();
  return (
    <button type="button" onClick={() => void stytch.session.revoke()}>
      Sign out
    </button>
  );
}
