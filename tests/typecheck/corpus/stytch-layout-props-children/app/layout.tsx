import type { ReactNode } from 'react';

const RootLayout = (props: { children: ReactNode }) => {
  return (
    <html lang="en">
      <body>{props.children}</body>
    </html>
  );
};

export default RootLayout;
