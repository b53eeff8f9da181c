import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Queue" };

export default function QueuePage() {
  return (
    <>
      <PageHeader title="Queue" description="Posts waiting to go out, in the order they will be published." />
      <EmptyState
        icon="queue"
        title="Upcoming posts will line up here"
        points={["What publishes next, per channel", "Status of each post: scheduled, publishing, published, failed", "The reason a post failed, in plain words", "Reorder or reschedule before it goes out"]}
      >
        Scheduling isn&apos;t part of this build yet, so nothing is waiting to be published. Once it is, every
        scheduled post appears here until it has been published.
      </EmptyState>
    </>
  );
}
