// The layout the Stytch next steps ask for.
import StytchAppProvider from './stytch-provider';

export default function RootLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  return (
    <html lang="en">
      <body>
        <StytchAppProvider>{children}</StytchAppProvider>
      </body>
    </html>
  );
}
