import * as Clerk from '@clerk/nextjs';

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <nav>
          <Clerk.UserButton />
        </nav>
        {children}
      </body>
    </html>
  );
}
