import * as Clerk from '@clerk/nextjs';

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Clerk.ClerkProvider>{children}</Clerk.ClerkProvider>
      </body>
    </html>
  );
}
