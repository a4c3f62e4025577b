import type { ReactNode } from 'react';

function Shell({ main }: { main: ReactNode }) {
  return <main className="shell">{main}</main>;
}

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Shell main={children} />
      </body>
    </html>
  );
}
