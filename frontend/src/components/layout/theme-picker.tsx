"use client";

import { Icon, type IconName } from "@/components/ui/icons";
import { cn } from "@/lib/cn";
import { useThemeStore, type ThemePreference } from "@/stores/theme";

const options: Array<{ value: ThemePreference; label: string; icon: IconName }> = [
  { value: "system", label: "System", icon: "monitor" },
  { value: "light", label: "Light", icon: "sun" },
  { value: "dark", label: "Dark", icon: "moon" },
];

/** Radio group for the theme preference (Settings → Appearance). */
export function ThemePicker() {
  const preference = useThemeStore((s) => s.preference);
  const setPreference = useThemeStore((s) => s.setPreference);
  return (
    <fieldset>
      <legend className="text-sm font-medium text-fg">Theme</legend>
      <p className="mt-1 text-sm text-muted">System follows your device&apos;s light or dark setting.</p>
      <div className="mt-3 grid grid-cols-3 gap-2 sm:max-w-md">
        {options.map((option) => (
          <label
            key={option.value}
            className={cn(
              "flex cursor-pointer flex-col items-center gap-1.5 rounded-lg border px-3 py-3 text-sm font-medium transition-colors",
              "has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-ring",
              preference === option.value
                ? "border-accent bg-accent-soft text-accent-text"
                : "border-line text-fg hover:bg-subtle",
            )}
          >
            <input
              type="radio"
              name="theme"
              value={option.value}
              checked={preference === option.value}
              onChange={() => setPreference(option.value)}
              className="sr-only"
            />
            <Icon name={option.icon} className="size-5" />
            {option.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
