"use client";

import { QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { Toaster } from "react-hot-toast";
import { makeQueryClient } from "@/lib/query-client";
import { ThemeSync } from "./theme-sync";

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <ThemeSync />
      {children}
      <Toaster
        position="top-right"
        toastOptions={{
          duration: 4000,
          style: {
            background: "var(--surface)",
            color: "var(--fg)",
            border: "1px solid var(--line)",
            borderRadius: "10px",
            fontSize: "0.875rem",
            boxShadow: "0 10px 30px -12px rgb(0 0 0 / 0.35)",
          },
          success: { iconTheme: { primary: "var(--accent)", secondary: "var(--surface)" } },
          error: { iconTheme: { primary: "var(--danger)", secondary: "var(--surface)" }, duration: 6000 },
        }}
      />
    </QueryClientProvider>
  );
}
