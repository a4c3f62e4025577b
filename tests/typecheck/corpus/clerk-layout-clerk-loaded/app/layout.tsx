import { ClerkLoaded } from '@clerk/nextjs';

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <ClerkLoaded>{children}</ClerkLoaded>
      </body>
    </html>
  );
}
