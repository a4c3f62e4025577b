'use client';

import { StytchB2BProvider, createStytchB2BClient } from '@stytch/nextjs/b2b';
import type { ReactNode } from 'react';

const stytch = createStytchB2BClient(process.env.NEXT_PUBLIC_STYTCH_PUBLIC_TOKEN ?? '');

export default function Providers({ children }: { children: ReactNode }) {
  return <StytchB2BProvider stytch={stytch}>{children}</StytchB2BProvider>;
}
