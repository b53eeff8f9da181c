import type { IconName } from "@/components/ui/icons";

export interface NavItem {
  href: string;
  label: string;
  icon: IconName;
}

export const NAV_SECTIONS: Array<{ label: string; items: NavItem[] }> = [
  {
    label: "Publish",
    items: [
      { href: "/dashboard/", label: "Dashboard", icon: "dashboard" },
      { href: "/compose/", label: "Compose", icon: "compose" },
      { href: "/calendar/", label: "Calendar", icon: "calendar" },
      { href: "/queue/", label: "Queue", icon: "queue" },
      { href: "/channels/", label: "Channels", icon: "channels" },
    ],
  },
  {
    label: "Insights",
    items: [
      { href: "/analytics/", label: "Analytics", icon: "analytics" },
      { href: "/growth/", label: "Growth", icon: "growth" },
      { href: "/reports/", label: "Reports", icon: "reports" },
    ],
  },
  {
    label: "Account",
    items: [{ href: "/settings/", label: "Settings", icon: "settings" }],
  },
];

/** "/settings" and "/settings/" (trailingSlash) are the same page. */
export function isActive(pathname: string, href: string): boolean {
  const strip = (p: string) => (p.length > 1 ? p.replace(/\/+$/, "") : p);
  const current = strip(pathname);
  const target = strip(href);
  return current === target || current.startsWith(`${target}/`);
}
