import { addDays, parseDayKey, startOfDayUtc, type DayKey } from "@/lib/zoned-time";
import type { Post, PostTarget, TargetState } from "../api/types";
import { targetTime } from "./content";

export type QueueTab = "queued" | "sent" | "failed" | "drafts";

/** The queue's sections: what is still to go out, what went out, what failed, and drafts. */
export const QUEUE_TABS: ReadonlyArray<{ id: QueueTab; label: string; states: readonly TargetState[]; empty: string }> = [
  { id: "queued", label: "Queued", states: ["scheduled", "publishing", "unconfirmed"], empty: "Nothing is waiting to go out." },
  { id: "sent", label: "Sent", states: ["published"], empty: "Nothing has been sent yet." },
  { id: "failed", label: "Failed", states: ["failed"], empty: "No post has failed." },
  { id: "drafts", label: "Drafts", states: ["draft"], empty: "No drafts." },
];

export function isQueueTab(value: string | null | undefined): value is QueueTab {
  return QUEUE_TABS.some((t) => t.id === value);
}

/** The tab a URL asks for: `?tab=`, or the older `?state=` links (notifications), else Queued. */
export function tabFromParams(params: { get(name: string): string | null }): QueueTab {
  const tab = params.get("tab");
  if (isQueueTab(tab)) return tab;
  const state = params.get("state");
  const byState = QUEUE_TABS.find((t) => (t.states as readonly string[]).includes(state ?? ""));
  return byState?.id ?? "queued";
}

function statesOf(tab: QueueTab): readonly string[] {
  return QUEUE_TABS.find((t) => t.id === tab)?.states ?? [];
}

/** The post's channels that belong in `tab`. */
export function targetsInTab(post: Post, tab: QueueTab): PostTarget[] {
  const states = statesOf(tab);
  return post.targets.filter((t) => states.includes(t.state));
}

/** Every word of the search (case and accents ignored) appears in the post's text, link or channel names. */
export function matchesSearch(post: Post, search: string): boolean {
  const fold = (s: string) => s.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
  const words = fold(search).split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = fold(
    [...post.content.parts.map((p) => p.text), post.content.link ?? "", ...post.targets.map((t) => t.handle ?? "")].join("\n"),
  );
  return words.every((w) => haystack.includes(w));
}

/** When the post sorts in `tab`: its earliest time among the tab's channels (drafts without one: when created). */
function tabTime(post: Post, tab: QueueTab): number {
  const times = targetsInTab(post, tab)
    .map((t) => Date.parse(targetTime(t) ?? ""))
    .filter((n) => !Number.isNaN(n));
  if (times.length > 0) return Math.min(...times);
  return tab === "drafts" ? Date.parse(post.created_at) : Number.NaN;
}

/**
 * The posts of one tab, searched, in the order that tab reads best: Queued soonest
 * first (what goes out next on top); Sent, Failed and Drafts newest first.
 */
export function queueList(posts: readonly Post[], tab: QueueTab, search: string): Post[] {
  const upcoming = tab === "queued";
  return posts
    .filter((p) => targetsInTab(p, tab).length > 0 && matchesSearch(p, search))
    .map((p) => ({ p, at: tabTime(p, tab) }))
    .sort((a, b) => {
      if (Number.isNaN(a.at) !== Number.isNaN(b.at)) return Number.isNaN(a.at) ? 1 : -1;
      const diff = upcoming ? a.at - b.at : b.at - a.at;
      return diff || a.p.id.localeCompare(b.p.id);
    })
    .map(({ p }) => p);
}

/** How many posts each tab holds (a post with channels in two states counts in both). */
export function tabCounts(posts: readonly Post[], search: string): Record<QueueTab, number> {
  const counts = { queued: 0, sent: 0, failed: 0, drafts: 0 };
  for (const tab of QUEUE_TABS) counts[tab.id] = posts.filter((p) => targetsInTab(p, tab.id).length > 0 && matchesSearch(p, search)).length;
  return counts;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A `YYYY-MM-DD` from the URL, or null when it isn't one. */
export function validDay(value: string | null | undefined): DayKey | null {
  if (!value || !DAY.test(value)) return null;
  const { year, month, day } = parseDayKey(value);
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCMonth() === month - 1 && d.getUTCDate() === day ? value : null;
}

/**
 * The date range as the list API's `from`/`to` (whole days in the user's zone, `to`
 * inclusive of its day). Swapped when given backwards.
 */
export function rangeFilters(from: DayKey | null, to: DayKey | null, zone: string): { from?: string; to?: string } {
  const [a, b] = from && to && from > to ? [to, from] : [from, to];
  return {
    ...(a ? { from: startOfDayUtc(a, zone).toISOString() } : {}),
    ...(b ? { to: startOfDayUtc(addDays(b, 1), zone).toISOString() } : {}),
  };
}

/** What "Export CSV" writes from the view: the listed posts' channels in the tab's states (and the channel filter). */
export function exportSelection(list: readonly Post[], tab: QueueTab, channelId: string): { post_ids: string[]; states: TargetState[]; channel_id?: string } {
  return {
    post_ids: list.map((p) => p.id),
    states: [...statesOf(tab)] as TargetState[],
    ...(channelId ? { channel_id: channelId } : {}),
  };
}

/** The sentence beside Export CSV that says what the file holds. */
export function exportSummary(count: number, tabLabel: string, filtered: boolean): string {
  const posts = count === 1 ? "1 post" : `${count} posts`;
  if (count === 0) return `Nothing to export: no ${tabLabel.toLowerCase()} posts${filtered ? " match the filters" : ""}.`;
  return `Export holds the ${posts} shown here: ${tabLabel}${filtered ? ", with your filters" : ""}.`;
}
