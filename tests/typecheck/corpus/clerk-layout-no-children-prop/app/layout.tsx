export default function RootLayout() {
  return (
    <html lang="en">
      <body>
        <p>Down for maintenance.</p>
      </body>
    </html>
  );
}
