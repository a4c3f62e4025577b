const links = ['home', 'pricing', 'blog'];

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <ul>
          {links.map((children) => (
            <li key={children}>{children}</li>
          ))}
        </ul>
        {children}
      </body>
    </html>
  );
}
