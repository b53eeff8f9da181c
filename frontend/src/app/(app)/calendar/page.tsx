import type { Metadata } from "next";
import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Calendar" };

export default function CalendarPage() {
  return (
    <>
      <PageHeader title="Calendar" description="Your scheduled and published posts over time." />
      <EmptyState
        icon="calendar"
        title="Your posting calendar will appear here"
        points={["Month and week views", "Scheduled, published and failed posts", "Times in your account's time zone", "Gaps in your schedule at a glance"]}
        footer={
          <Link href="/settings/#timezone" className={buttonClasses("secondary")}>
            Check your time zone
          </Link>
        }
      >
        When you schedule posts, each one shows up on the day and time it goes out. Times use the time zone
        saved in Settings, so set it now.
      </EmptyState>
    </>
  );
}
