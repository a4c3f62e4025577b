import type { ReactNode } from 'react';

function Splash() {
  return <p>Loading…</p>;
}

export default function RootLayout({ children }: { children: ReactNode }) {
  const ready = process.env.NEXT_PUBLIC_MAINTENANCE !== '1';
  return (
    <html lang="en">
      <body>{ready ? children : <Splash />}</body>
    </html>
  );
}
