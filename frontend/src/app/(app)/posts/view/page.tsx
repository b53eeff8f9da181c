"use client";

import { useSearchParams } from "next/navigation";
import { Suspense } from "react";
import { PageLoader } from "@/components/ui/spinner";
import { useMe } from "@/features/auth/api/me";
import { useMarkPostNotificationsRead } from "@/features/notifications/api/mark-post-read";
import { PostDetail } from "@/features/posts/components/post-detail";

/** `/posts/view/?id=…`: a static export has no dynamic segments. */
function PostFromQuery({ timezone }: { timezone: string }) {
  const id = useSearchParams().get("id");
  useMarkPostNotificationsRead(id);
  return <PostDetail id={id} timezone={timezone} />;
}

export default function PostPage() {
  const me = useMe();
  return (
    <>
      <title>Post · LetsGrow</title>
      {me.data ? (
        <Suspense fallback={<PageLoader label="Loading the post…" />}>
          <PostFromQuery timezone={me.data.timezone} />
        </Suspense>
      ) : (
        <PageLoader label="Loading the post…" />
      )}
    </>
  );
}
