"use client";

import type { ReactNode } from "react";
import { ThemePicker } from "@/components/layout/theme-picker";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { PageLoader } from "@/components/ui/spinner";
import { errorMessage } from "@/api/errors";
import { useMe } from "../api/me";
import { ChangePasswordForm } from "./change-password-form";
import { LogoutEverywhere } from "./logout-everywhere";
import { TimezoneForm } from "./timezone-form";

function formatDate(iso: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  try {
    return new Intl.DateTimeFormat(undefined, { dateStyle: "long", timeZone }).format(date);
  } catch {
    return date.toDateString();
  }
}

/**
 * Settings → account, time zone, appearance, password, sessions. `extra` is cards other
 * features add (the route passes them in), shown after Appearance.
 */
export function AccountSettings({ extra }: { extra?: ReactNode } = {}) {
  const me = useMe();
  if (me.isPending) return <PageLoader label="Loading your account…" />;
  if (me.isError) return <Notice tone="error">{errorMessage(me.error)}</Notice>;
  const user = me.data;

  return (
    <div className="space-y-6">
      <Card labelledBy="account-heading">
        <CardHeader id="account-heading" title="Account" description="The email address you log in with." />
        <CardBody>
          <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-[10rem_1fr]">
            <dt className="text-muted">Email</dt>
            <dd className="font-medium break-all text-fg" data-testid="account-email">
              {user.email}
            </dd>
            <dt className="text-muted">Member since</dt>
            <dd className="text-fg">{formatDate(user.created_at, user.timezone)}</dd>
          </dl>
        </CardBody>
      </Card>

      <Card labelledBy="timezone-heading" className="scroll-mt-24">
        <div id="timezone" />
        <CardHeader
          id="timezone-heading"
          title="Time zone"
          description="Scheduling, the calendar and reports use this time zone."
        />
        <TimezoneForm key={user.timezone} user={user} />
      </Card>

      <Card labelledBy="appearance-heading">
        <CardHeader id="appearance-heading" title="Appearance" description="Stored in this browser." />
        <CardBody>
          <ThemePicker />
        </CardBody>
      </Card>

      {extra}

      <Card labelledBy="password-heading">
        <CardHeader
          id="password-heading"
          title="Password"
          description="Changing it logs out your other sessions; this one stays signed in."
        />
        <ChangePasswordForm email={user.email} />
      </Card>

      <Card labelledBy="sessions-heading">
        <CardHeader id="sessions-heading" title="Sessions" />
        <LogoutEverywhere />
      </Card>
    </div>
  );
}
