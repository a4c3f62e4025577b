"use client";

import { createContext, type ReactNode } from "react";

const Theme = createContext("class");

export function ThemeProvider({ attribute, children }: { attribute: string; children: ReactNode }) {
  return <Theme.Provider value={attribute}>{children}</Theme.Provider>;
}
