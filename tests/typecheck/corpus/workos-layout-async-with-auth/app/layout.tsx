import { withAuth } from '@workos-inc/authkit-nextjs';

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const { user } = await withAuth();
  return (
    <html lang="en">
      <body>
        <header>{user ? user.email : 'Guest'}</header>
        {children}
      </body>
    </html>
  );
}
