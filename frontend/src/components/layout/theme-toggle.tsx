"use client";

import { useEffect, useState } from "react";
import { Icon } from "@/components/ui/icons";
import { resolveTheme, useThemeStore, type ResolvedTheme } from "@/stores/theme";

/** Flips between light and dark; the choice is remembered. */
export function ThemeToggle() {
  const preference = useThemeStore((s) => s.preference);
  const setPreference = useThemeStore((s) => s.setPreference);
  const [resolved, setResolved] = useState<ResolvedTheme | null>(null);

  useEffect(() => {
    setResolved(resolveTheme(preference));
  }, [preference]);

  const next: ResolvedTheme = resolved === "dark" ? "light" : "dark";
  return (
    <button
      type="button"
      onClick={() => setPreference(next)}
      className="inline-flex size-9 items-center justify-center rounded-lg text-muted hover:bg-subtle hover:text-fg"
      aria-label={`Switch to ${next} theme`}
      title={`Switch to ${next} theme`}
      data-testid="theme-toggle"
    >
      <Icon name={resolved === "dark" ? "sun" : "moon"} className="size-5" />
    </button>
  );
}
