/*
 * Copyright (c) Example Inc.
 * SPDX-License-Identifier: MIT
 */
'use client';
'use strict';

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
