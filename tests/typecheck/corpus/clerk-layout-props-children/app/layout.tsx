import type { ReactNode } from 'react';

type Props = Readonly<{ children: ReactNode }>;

export default function RootLayout(props: Props) {
  return (
    <html lang="en">
      <body className="antialiased">{props.children}</body>
    </html>
  );
}
