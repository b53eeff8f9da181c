"use client";

import { Suspense } from "react";
import { PageLoader } from "@/components/ui/spinner";
import { useMe } from "@/features/auth/api/me";
import { useChannels } from "@/features/channels/api/list-channels";
import { QueueView } from "@/features/posts/components/queue-view";

export default function QueuePage() {
  const me = useMe();
  const channels = useChannels();
  return (
    <>
      <title>Queue · LetsGrow</title>
      {me.data ? (
        <Suspense fallback={<PageLoader label="Loading the queue…" />}>
          <QueueView channels={channels.data ?? []} timezone={me.data.timezone} />
        </Suspense>
      ) : (
        <PageLoader label="Loading the queue…" />
      )}
    </>
  );
}
