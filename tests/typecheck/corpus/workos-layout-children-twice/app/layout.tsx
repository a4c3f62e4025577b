export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <div className="md:hidden">{children}</div>
        <div className="hidden md:block">{children}</div>
      </body>
    </html>
  );
}
