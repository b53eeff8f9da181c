"use client";

import { PageLoader } from "@/components/ui/spinner";
import { useMe } from "@/features/auth/api/me";
import { CalendarView } from "@/features/posts/components/calendar/calendar-view";

export default function CalendarPage() {
  const me = useMe();
  return (
    <>
      <title>Calendar · LetsGrow</title>
      {me.data ? <CalendarView timezone={me.data.timezone} /> : <PageLoader label="Loading the calendar…" />}
    </>
  );
}
