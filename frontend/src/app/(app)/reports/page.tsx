import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Reports" };

export default function ReportsPage() {
  return (
    <>
      <PageHeader title="Reports" description="Summaries of a period across all your channels." />
      <EmptyState
        icon="reports"
        title="Your reports will be listed here"
        points={["Weekly and monthly summaries", "Top posts of the period", "Channel-by-channel comparison", "Export to share with others"]}
      >
        Reports are built from your analytics, so they become available once channels are connected and
        publishing.
      </EmptyState>
    </>
  );
}
