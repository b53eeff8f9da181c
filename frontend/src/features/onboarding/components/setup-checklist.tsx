import Link from "next/link";
import { Card, CardHeader } from "@/components/ui/card";
import { Icon } from "@/components/ui/icons";
import { cn } from "@/lib/cn";

interface Step {
  title: string;
  text: string;
  state: "done" | "todo";
  href?: string;
  action?: string;
}

/** What the dashboard knows about the user's channels; null while loading or unknown. */
export interface ChannelSummary {
  connected: number;
  needReconnect: number;
}

function channelStep(channels: ChannelSummary | null): Step {
  const base = { title: "Connect a channel", href: "/channels/" };
  if (!channels) return { ...base, text: "See and connect your channels on the Channels page.", state: "todo", action: "Open channels" };
  if (channels.needReconnect > 0) {
    const n = channels.needReconnect;
    return {
      ...base,
      text: `${n === 1 ? "1 channel needs" : `${n} channels need`} reconnecting before LetsGrow can publish to ${n === 1 ? "it" : "them"}.`,
      state: "todo",
      action: "Reconnect",
    };
  }
  if (channels.connected > 0) {
    const n = channels.connected;
    return { ...base, text: `${n === 1 ? "1 channel" : `${n} channels`} connected.`, state: "done", action: "Manage" };
  }
  return {
    ...base,
    text: "Link X, Bluesky, Mastodon, LinkedIn, Reddit, Instagram, Threads or a webhook (Discord, Slack, your own endpoint).",
    state: "todo",
    action: "Connect",
  };
}

function postStep(posts: number | null): Step {
  const title = "Schedule your first post";
  if (posts && posts > 0) {
    return { title, text: "Your posts are in the queue and on the calendar.", state: "done", href: "/queue/", action: "Open queue" };
  }
  return { title, text: "Write once, publish to every channel at the right time.", state: "todo", href: "/compose/", action: "Write a post" };
}

/** The first-run checklist on the dashboard; each step reflects real account state. */
export function SetupChecklist({ timezone, timezoneConfirmed, channels, posts }: {
  timezone: string;
  timezoneConfirmed: boolean;
  channels: ChannelSummary | null;
  /** How many posts the user has (any state); null while loading or unknown. */
  posts: number | null;
}) {
  const steps: Step[] = [
    { title: "Create your account", text: "You're signed in and your session stays active across reloads.", state: "done" },
    {
      title: "Set your time zone",
      text: timezoneConfirmed
        ? `Posts will be scheduled in ${timezone.replaceAll("_", " ")}.`
        : "Your account uses UTC. Pick your own zone so posts go out when you expect.",
      state: timezoneConfirmed ? "done" : "todo",
      href: "/settings/#timezone",
      action: timezoneConfirmed ? "Change" : "Set time zone",
    },
    channelStep(channels),
    postStep(posts),
  ];
  const done = steps.filter((s) => s.state === "done").length;

  return (
    <Card labelledBy="setup-heading">
      <CardHeader
        id="setup-heading"
        title="Get set up"
        description={`${done} of ${steps.length} steps done`}
      />
      <ol className="divide-y divide-line">
        {steps.map((step, index) => (
          <li key={step.title} className="flex items-start gap-4 px-5 py-4 sm:px-6">
            <span
              className={cn(
                "mt-0.5 flex size-7 shrink-0 items-center justify-center rounded-full text-sm font-semibold",
                step.state === "done" ? "bg-accent text-on-accent" : "border border-line-strong/60 text-muted",
              )}
            >
              {step.state === "done" ? <Icon name="check" className="size-4" label="Done" /> : index + 1}
            </span>
            <div className="min-w-0 flex-1">
              <p className="font-medium text-fg">{step.title}</p>
              <p className="mt-0.5 text-sm text-muted">{step.text}</p>
            </div>
            {step.href && step.action && (
              <Link
                href={step.href}
                className="shrink-0 rounded-md text-sm font-medium text-accent-text underline-offset-4 hover:underline"
              >
                {step.action}
              </Link>
            )}
          </li>
        ))}
      </ol>
    </Card>
  );
}
