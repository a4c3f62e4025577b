// The whole shell renders on the client (theme state).
'use client';

import { useState } from 'react';

export default function RootLayout({ children }: { children: React.ReactNode }) {
  const [dark] = useState(false);
  return (
    <html lang="en" className={dark ? 'dark' : ''}>
      <body>{children}</body>
    </html>
  );
}
