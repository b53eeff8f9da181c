import { cn } from "@/lib/cn";
import { passwordStrength } from "../lib/password-strength";

const barColor = ["bg-line", "bg-danger", "bg-warn-text", "bg-accent", "bg-accent"] as const;

/** Live strength hint under a new-password field (the server still decides). */
export function PasswordStrengthMeter({ password, email }: { password: string; email?: string }) {
  if (!password) return <span>Use at least 10 characters. A phrase of unrelated words works well.</span>;
  const strength = passwordStrength(password, email);
  return (
    <span className="block space-y-1.5" data-testid="password-strength">
      <span className="flex gap-1" aria-hidden="true">
        {[1, 2, 3, 4].map((i) => (
          <span
            key={i}
            className={cn("h-1.5 flex-1 rounded-full", i <= strength.score ? barColor[strength.score] : "bg-line")}
          />
        ))}
      </span>
      <span className="block" aria-live="polite">
        <span className="font-medium text-fg">{strength.label}.</span> {strength.hint}
      </span>
    </span>
  );
}
