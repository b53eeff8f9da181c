import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Compose" };

export default function ComposePage() {
  return (
    <>
      <PageHeader title="Compose" description="Write a post once and send it to the channels you choose." />
      <EmptyState
        icon="compose"
        title="The composer will live here"
        points={[
          "Per-platform length and link rules, checked as you type",
          "Publish now, schedule, or keep as a draft",
          "A version of the post tailored to each channel",
          "Images and links with a preview",
        ]}
      >
        Writing and scheduling posts isn&apos;t part of this build yet. Once it is, you&apos;ll draft here and
        pick the channels and the time to publish, in your own time zone.
      </EmptyState>
    </>
  );
}
