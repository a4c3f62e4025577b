import * as AuthKit from '@workos-inc/authkit-nextjs/components';

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <AuthKit.AuthKitProvider>{children}</AuthKit.AuthKitProvider>
      </body>
    </html>
  );
}
