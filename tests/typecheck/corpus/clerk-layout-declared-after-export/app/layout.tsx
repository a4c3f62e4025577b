import type { ReactNode } from 'react';

export default RootLayout;

function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
