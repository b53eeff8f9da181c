"use client";

import { PageHeader } from "@/components/ui/page-header";
import { useMe } from "@/features/auth/api/me";
import { hasChosenTimezone } from "@/features/auth/lib/timezone-choice";
import { useChannels } from "@/features/channels/api/list-channels";
import { needsReconnect } from "@/features/channels/lib/health";
import { SetupChecklist } from "@/features/onboarding/components/setup-checklist";
import { usePosts } from "@/features/posts/api/list-posts";
import { PostsOverview } from "@/features/posts/components/posts-overview";

function greeting(timeZone: string): string {
  let hour = new Date().getHours();
  try {
    hour = Number(new Intl.DateTimeFormat("en-GB", { hour: "numeric", hourCycle: "h23", timeZone }).format(new Date()));
  } catch {
    // A zone this browser does not know: use local time.
  }
  if (hour < 5 || hour >= 18) return "Good evening";
  if (hour < 12) return "Good morning";
  return "Good afternoon";
}

// Rendered only inside RequireSession, i.e. in the browser: reading the clock and
// localStorage during render cannot cause a hydration mismatch.
export default function DashboardPage() {
  const { data: user } = useMe();
  const { data: channels } = useChannels();
  const channelSummary = channels ? { connected: channels.length, needReconnect: needsReconnect(channels).length } : null;
  // One post is enough to know the first step is done.
  const { data: posts } = usePosts({ limit: 1 });

  return (
    <>
      <title>Dashboard · LetsGrow</title>
      <PageHeader
        title={user ? greeting(user.timezone) : "Dashboard"}
        description={user ? `Signed in as ${user.email}.` : undefined}
      />
      <div className="grid items-start gap-6 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        {user ? (
          <SetupChecklist
            timezone={user.timezone}
            timezoneConfirmed={hasChosenTimezone(user)}
            channels={channelSummary}
            posts={posts ? posts.length : null}
          />
        ) : (
          <div className="h-72 animate-pulse rounded-xl border border-line bg-surface" aria-hidden="true" />
        )}
        {user ? <PostsOverview timezone={user.timezone} /> : <div className="h-72 animate-pulse rounded-xl border border-line bg-surface" aria-hidden="true" />}
      </div>
    </>
  );
}
