function Shell({ children }: { children: React.ReactNode }) {
  return <main className="shell">{children}</main>;
}

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Shell>{children}</Shell>
      </body>
    </html>
  );
}
