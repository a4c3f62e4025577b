import type { ReactNode } from 'react';

type Props = { children: ReactNode };

export default function RootLayout(props: Props) {
  const { children } = props;
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
