import { Icon } from "@/components/ui/icons";
import { cn } from "@/lib/cn";

export function Logo({ className, tone = "default" }: { className?: string; tone?: "default" | "inverse" }) {
  return (
    <span className={cn("inline-flex items-center gap-2 font-semibold tracking-tight", className)}>
      <span
        className={cn(
          "flex size-8 items-center justify-center rounded-lg",
          tone === "inverse" ? "bg-white/15 text-white" : "bg-accent text-on-accent",
        )}
      >
        <Icon name="sprout" className="size-5" />
      </span>
      <span className="text-lg">LetsGrow</span>
    </span>
  );
}
