import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Channels" };

const platforms = ["X", "Bluesky", "Mastodon", "LinkedIn", "Reddit", "Instagram", "Threads", "Webhook"];

export default function ChannelsPage() {
  return (
    <>
      <PageHeader title="Channels" description="The social accounts LetsGrow publishes to and reads insights from." />
      <EmptyState
        icon="channels"
        title="Connected accounts will be listed here"
        footer={
          <ul className="flex flex-wrap justify-center gap-2" aria-label="Platforms LetsGrow is built to support">
            {platforms.map((p) => (
              <li key={p} className="rounded-full border border-line px-3 py-1 text-sm text-fg">
                {p}
              </li>
            ))}
          </ul>
        }
      >
        Connecting channels isn&apos;t part of this build yet. When it is, you&apos;ll sign in to each platform
        from here and see every connected account with its status. Planned platforms:
      </EmptyState>
    </>
  );
}
