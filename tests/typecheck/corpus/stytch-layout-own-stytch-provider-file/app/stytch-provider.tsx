'use client';

import { StytchProvider, createStytchClient } from '@stytch/nextjs';
import type { ReactNode } from 'react';

const stytch = createStytchClient(process.env.NEXT_PUBLIC_STYTCH_PUBLIC_TOKEN ?? '');

export default function AppStytch({ children }: { children: ReactNode }) {
  return <StytchProvider stytch={stytch}>{children}</StytchProvider>;
}
