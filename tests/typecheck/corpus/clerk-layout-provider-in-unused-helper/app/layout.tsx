import { ClerkProvider } from '@clerk/nextjs';
import type { ReactNode } from 'react';

// Used by the Storybook decorators.
export function AuthShell({ children }: { children: ReactNode }) {
  return <ClerkProvider>{children}</ClerkProvider>;
}

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
