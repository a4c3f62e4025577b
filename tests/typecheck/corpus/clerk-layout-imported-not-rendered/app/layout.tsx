import { ClerkProvider, SignInButton } from '@clerk/nextjs';

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header>
          <SignInButton />
        </header>
        {children}
      </body>
    </html>
  );
}
