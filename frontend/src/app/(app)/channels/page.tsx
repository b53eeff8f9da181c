import type { Metadata } from "next";
import { ChannelsView } from "@/features/channels/components/channels-view";

export const metadata: Metadata = { title: "Channels" };

export default function ChannelsPage() {
  return <ChannelsView />;
}
