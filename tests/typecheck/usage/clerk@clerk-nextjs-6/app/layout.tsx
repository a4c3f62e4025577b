// The layout the Clerk next steps ask for on @clerk/nextjs 6: <SignedIn> and <SignedOut>
// (replaced by <Show> in 7).
import { ClerkProvider, SignedIn, SignedOut, SignInButton, UserButton } from '@clerk/nextjs';

export default function RootLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  return (
    <html lang="en">
      <body>
        <ClerkProvider>
          <SignedIn>
            <UserButton />
          </SignedIn>
          <SignedOut>
            <SignInButton />
          </SignedOut>
          {children}
        </ClerkProvider>
      </body>
    </html>
  );
}
