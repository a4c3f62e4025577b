import type { ComponentProps } from 'react';
import type { ClerkProvider } from '@clerk/nextjs';

export const appearance: ComponentProps<typeof ClerkProvider>['appearance'] = {
  variables: { colorPrimary: '#0f172a' },
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
