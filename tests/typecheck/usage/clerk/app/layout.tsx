// The layout the Clerk next steps ask for, with the sign-in UI they name. <Show> reads the
// session on the server: with cacheComponents (create-next-app's default) it must sit
// inside <Suspense>, or `next build` refuses to prerender every page.
import { Suspense } from 'react';
import { ClerkProvider, Show, SignInButton, UserButton } from '@clerk/nextjs';

export default function RootLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  return (
    <html lang="en">
      <body>
        <ClerkProvider>
          <Suspense>
            <Show when="signed-in">
              <UserButton />
            </Show>
            <Show when="signed-out">
              <SignInButton />
            </Show>
          </Suspense>
          {children}
        </ClerkProvider>
      </body>
    </html>
  );
}
