import { ClerkProvider, UserButton } from '@clerk/nextjs';

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <ClerkProvider>
          <header>
            <UserButton />
          </header>
        </ClerkProvider>
        {children}
      </body>
    </html>
  );
}
