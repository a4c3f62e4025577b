import type { Metadata } from 'next';
// @ts-expect-error -- written by the build (scripts/manifest.mjs)
import manifest from './manifest.generated';

export const metadata: Metadata = { title: String(manifest) };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
