import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Analytics" };

export default function AnalyticsPage() {
  return (
    <>
      <PageHeader title="Analytics" description="How your posts and channels perform." />
      <EmptyState
        icon="analytics"
        title="Performance numbers will appear here"
        points={["Impressions, engagement and clicks per post", "Follower counts per channel over time", "Comparisons between channels", "Only numbers reported by the platforms"]}
      >
        There is nothing to measure yet: analytics are collected from each platform after you connect
        channels and publish. LetsGrow never shows estimated or sample figures.
      </EmptyState>
    </>
  );
}
