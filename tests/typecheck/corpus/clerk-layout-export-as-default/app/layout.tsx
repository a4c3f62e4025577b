import type { ReactNode } from 'react';

function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}

export { RootLayout as default };
