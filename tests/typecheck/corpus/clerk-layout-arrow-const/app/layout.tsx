import type { ReactNode } from 'react';

const RootLayout = ({ children: kids }: { children: ReactNode }) => (
  <html lang="en">
    <body>{kids}</body>
  </html>
);

export default RootLayout;
