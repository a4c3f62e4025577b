// Client layout: it reads the window size.
"use client"

import { useSyncExternalStore } from "react"

const subscribe = (cb: () => void) => {
  window.addEventListener("resize", cb)
  return () => window.removeEventListener("resize", cb)
}

export default function RootLayout({ children }: { children: React.ReactNode }) {
  const width = useSyncExternalStore(subscribe, () => window.innerWidth, () => 0)
  return (
    <html lang="en">
      <body data-width={width}>{children}</body>
    </html>
  )
}
