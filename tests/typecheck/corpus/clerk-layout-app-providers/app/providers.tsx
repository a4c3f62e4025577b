'use client';

import { ClerkProvider } from '@clerk/nextjs';
import { createContext, useState, type ReactNode } from 'react';

export const ThemeContext = createContext<'light' | 'dark'>('light');

export default function Providers({ children }: { children: ReactNode }) {
  const [theme] = useState<'light' | 'dark'>('light');
  return (
    <ClerkProvider>
      <ThemeContext.Provider value={theme}>{children}</ThemeContext.Provider>
    </ClerkProvider>
  );
}
