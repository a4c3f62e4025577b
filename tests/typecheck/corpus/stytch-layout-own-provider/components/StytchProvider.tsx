"use client";
import { StytchProvider as Provider, createStytchClient } from "@stytch/nextjs";
import type { ReactNode } from "react";

const stytch = createStytchClient(process.env.NEXT_PUBLIC_STYTCH_PUBLIC_TOKEN ?? "");

export default function StytchProvider({ children }: { children: ReactNode }) {
  return <Provider stytch={stytch}>{children}</Provider>;
}
