import type { ReactNode } from "react";
import { Logo } from "@/components/layout/logo";
import { ThemeToggle } from "@/components/layout/theme-toggle";
import { Icon, type IconName } from "@/components/ui/icons";
import { GuestOnly } from "@/features/auth/components/session-gate";

const points: Array<{ icon: IconName; title: string; text: string }> = [
  { icon: "server", title: "Runs on your server", text: "Accounts, posts and analytics stay in your own database." },
  { icon: "calendar", title: "Plan in your time zone", text: "Write once, schedule to each channel, publish on time." },
  { icon: "shield", title: "Private by default", text: "No trackers or third-party scripts: your instance serves everything." },
];

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <div className="grid min-h-dvh lg:grid-cols-[minmax(0,5fr)_minmax(0,6fr)]">
      <aside className="relative hidden overflow-hidden bg-gradient-to-br from-emerald-800 via-emerald-900 to-teal-950 p-10 text-white lg:flex lg:flex-col lg:justify-between">
        <Logo tone="inverse" />
        <div className="max-w-md space-y-8">
          <p className="text-3xl leading-tight font-semibold tracking-tight">
            Plan, publish and grow your audience from one place you own.
          </p>
          <ul className="space-y-5">
            {points.map((p) => (
              <li key={p.title} className="flex gap-3">
                <span className="flex size-9 shrink-0 items-center justify-center rounded-lg bg-white/10">
                  <Icon name={p.icon} className="size-5" />
                </span>
                <span>
                  <span className="block font-medium">{p.title}</span>
                  <span className="block text-sm text-emerald-50/85">{p.text}</span>
                </span>
              </li>
            ))}
          </ul>
        </div>
        <p className="text-sm text-emerald-50/80">Open source, self-hosted social media management.</p>
      </aside>
      <div className="flex flex-col">
        <div className="flex items-center justify-between px-5 py-4 sm:px-8">
          <span className="lg:invisible">
            <Logo />
          </span>
          <ThemeToggle />
        </div>
        <main className="flex flex-1 items-center justify-center px-5 pt-4 pb-16 sm:px-8">
          <div className="w-full max-w-sm">
            <GuestOnly>{children}</GuestOnly>
          </div>
        </main>
      </div>
    </div>
  );
}
