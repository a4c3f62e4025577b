export default function MarketingLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="marketing">{children}</body>
    </html>
  );
}
