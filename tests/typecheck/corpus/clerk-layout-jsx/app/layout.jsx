import './globals.css';

export const metadata = { title: 'JS layout' };

export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
