// The layout the Auth0 next steps ask for.
import { Auth0Provider } from '@auth0/nextjs-auth0/client';

export default function RootLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  return (
    <html lang="en">
      <body>
        <Auth0Provider>{children}</Auth0Provider>
      </body>
    </html>
  );
}
