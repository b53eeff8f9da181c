"use client";

import { Suspense } from "react";
import { errorMessage } from "@/api/errors";
import { Notice } from "@/components/ui/notice";
import { PageLoader } from "@/components/ui/spinner";
import { useMe } from "@/features/auth/api/me";
import { useChannels } from "@/features/channels/api/list-channels";
import { Composer } from "@/features/posts/components/composer/composer";

// The route composes the features: the user's zone (auth) and channels (channels) go
// into the composer (posts).
export default function ComposePage() {
  const me = useMe();
  const channels = useChannels();
  return (
    <>
      <title>Compose · LetsGrow</title>
      {channels.isError && (
        <Notice tone="error" className="mb-4">
          <p>Couldn&apos;t load your channels: {errorMessage(channels.error)}</p>
        </Notice>
      )}
      {!me.data || channels.isPending ? (
        <PageLoader label="Loading the composer…" />
      ) : (
        <Suspense fallback={<PageLoader label="Loading the composer…" />}>
          <Composer channels={channels.data ?? []} timezone={me.data.timezone} />
        </Suspense>
      )}
    </>
  );
}
