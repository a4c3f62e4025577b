import type { ReactNode } from 'react';

function ClerkProvider({ children }: { children: ReactNode }) {
  return <div data-mock="clerk">{children}</div>;
}

export const MockedShell = ({ children }: { children: ReactNode }) => <ClerkProvider>{children}</ClerkProvider>;

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
