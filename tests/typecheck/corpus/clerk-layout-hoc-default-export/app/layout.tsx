import type { ComponentType, ReactNode } from 'react';

type Props = { children: ReactNode };

function withTheme(Layout: ComponentType<Props>) {
  return function Themed(props: Props) {
    return <Layout {...props} />;
  };
}

function RootLayout({ children }: Props) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}

export default withTheme(RootLayout);
