export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
<<<<<<< HEAD
      <body>{children}</body>
=======
      <body className="dark">{children}</body>
>>>>>>> theme
    </html>
  );
}
