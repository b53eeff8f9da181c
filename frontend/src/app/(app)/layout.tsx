import type { ReactNode } from "react";
import { AppShell } from "@/components/layout/app-shell";
import { RequireSession } from "@/features/auth/components/session-gate";
import { UserMenu } from "@/features/auth/components/user-menu";
import { ReconnectIndicator } from "@/features/channels/components/reconnect-indicator";
import { NotificationsBell } from "@/features/notifications/components/notifications-bell";

export default function AppLayout({ children }: { children: ReactNode }) {
  return (
    <RequireSession>
      <AppShell userMenu={<UserMenu />} notices={<ReconnectIndicator />} notifications={<NotificationsBell />}>
        {children}
      </AppShell>
    </RequireSession>
  );
}
