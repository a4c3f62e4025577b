'use client';

import { useEffect } from 'react';

export default function RootLayout({ children }: { children: React.ReactNode }) {
  useEffect(() => {
    document.title = 'App';
  }, []);
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
