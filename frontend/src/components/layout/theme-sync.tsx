"use client";

import { useEffect } from "react";
import { applyTheme, resolveTheme, useThemeStore } from "@/stores/theme";

/** Keeps <html class="dark"> in line with the stored preference and the OS setting. */
export function ThemeSync() {
  const preference = useThemeStore((s) => s.preference);

  useEffect(() => {
    void useThemeStore.persist.rehydrate();
  }, []);

  useEffect(() => {
    applyTheme(resolveTheme(preference));
    if (preference !== "system" || !window.matchMedia) return;
    const media = window.matchMedia("(prefers-color-scheme: dark)");
    const onChange = () => applyTheme(resolveTheme("system"));
    media.addEventListener("change", onChange);
    return () => media.removeEventListener("change", onChange);
  }, [preference]);

  return null;
}
