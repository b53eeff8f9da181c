import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { AccountSettings } from "@/features/auth/components/account-settings";
import { MediaUsageCard } from "@/features/posts/components/media-usage-card";

export const metadata: Metadata = { title: "Settings" };

export default function SettingsPage() {
  return (
    <>
      <PageHeader title="Settings" description="Your account, time zone, appearance, space for images and security." />
      <AccountSettings extra={<MediaUsageCard />} />
    </>
  );
}
