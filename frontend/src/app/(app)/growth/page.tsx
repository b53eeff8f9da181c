import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Growth" };

export default function GrowthPage() {
  return (
    <>
      <PageHeader title="Growth" description="Suggestions to grow your audience, based on your own history." />
      <EmptyState
        icon="growth"
        title="Growth suggestions will appear here"
        points={["The hours your audience responds most", "Which kinds of posts did best", "How your follower count is trending", "Suggested times when you schedule"]}
      >
        Suggestions need your own posting history to learn from, so they appear once your channels are
        connected and have published for a while.
      </EmptyState>
    </>
  );
}
