export default function RootLayout({ children }: { children: React.ReactNode }) {
  const wide = false;
  return (
    <html lang="en">
      <body>{wide ? <div className="wide">{children}</div> : <div className="narrow">{children}</div>}</body>
    </html>
  );
}
