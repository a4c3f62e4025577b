import type { Metadata } from 'next';

export const metadata: Metadata = { title: 'Shop' };

export default function ShopLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="shop">
        <main>{children}</main>
      </body>
    </html>
  );
}
