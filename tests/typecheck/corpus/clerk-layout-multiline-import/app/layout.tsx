import type { Metadata } from 'next';
import {
  Suspense,
  type ReactNode,
} from 'react'; // React 19

export const metadata: Metadata = { title: 'Multi' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Suspense>{children}</Suspense>
      </body>
    </html>
  );
}
