import StytchProvider from "../components/StytchProvider";

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <StytchProvider>{children}</StytchProvider>
      </body>
    </html>
  );
}
