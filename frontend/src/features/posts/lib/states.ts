import { isTargetState, type Post, type PostTarget, type TargetState } from "../api/types";

export interface StateStyle {
  label: string;
  /** The colour's name, for tests and data attributes. */
  tone: "grey" | "blue" | "amber" | "green" | "red" | "purple";
  /** Chip and badge colours (light and dark). */
  chip: string;
  /** A small dot in the same colour. */
  dot: string;
}

/** One colour per target state: draft grey, scheduled blue, publishing amber, published green, failed red, unconfirmed purple. */
export const STATE_STYLES: Readonly<Record<TargetState, StateStyle>> = {
  draft: {
    label: "Draft",
    tone: "grey",
    chip: "border-zinc-300 bg-zinc-100 text-zinc-800 dark:border-zinc-600 dark:bg-zinc-800 dark:text-zinc-100",
    dot: "bg-zinc-500",
  },
  scheduled: {
    label: "Scheduled",
    tone: "blue",
    chip: "border-blue-300 bg-blue-50 text-blue-900 dark:border-blue-700 dark:bg-blue-950 dark:text-blue-100",
    dot: "bg-blue-600 dark:bg-blue-400",
  },
  publishing: {
    label: "Publishing",
    tone: "amber",
    chip: "border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100",
    dot: "bg-amber-500",
  },
  published: {
    label: "Published",
    tone: "green",
    chip: "border-green-300 bg-green-50 text-green-900 dark:border-green-700 dark:bg-green-950 dark:text-green-100",
    dot: "bg-green-600 dark:bg-green-400",
  },
  failed: {
    label: "Failed",
    tone: "red",
    chip: "border-red-300 bg-red-50 text-red-900 dark:border-red-700 dark:bg-red-950 dark:text-red-100",
    dot: "bg-red-600 dark:bg-red-400",
  },
  unconfirmed: {
    label: "Unconfirmed",
    tone: "purple",
    chip: "border-purple-300 bg-purple-50 text-purple-900 dark:border-purple-700 dark:bg-purple-950 dark:text-purple-100",
    dot: "bg-purple-600 dark:bg-purple-400",
  },
};

const UNKNOWN: StateStyle = { ...STATE_STYLES.draft, label: "Unknown" };

export function stateStyle(state: string): StateStyle {
  return isTargetState(state) ? STATE_STYLES[state] : { ...UNKNOWN, label: state.replaceAll("_", " ") };
}

/** States that change by themselves soon: worth polling for. */
const MOVING: readonly string[] = ["scheduled", "publishing", "unconfirmed"];

export function isMoving(target: Pick<PostTarget, "state">): boolean {
  return MOVING.includes(target.state);
}

export function anyMoving(posts: readonly Post[]): boolean {
  return posts.some((p) => p.targets.some(isMoving));
}

/** Targets that can still be edited or rescheduled. */
export function isEditable(target: Pick<PostTarget, "state">): boolean {
  return ["draft", "scheduled", "failed"].includes(target.state);
}

export interface PostActions {
  edit: boolean;
  reschedule: boolean;
  cancel: boolean;
  /** Cancel stops a channel between attempts (retrying or unconfirmed), not only a scheduled one. */
  stopsRetrying: boolean;
  /** Every channel is a draft: the post can be deleted. */
  delete: boolean;
  publishNow: boolean;
  failed: PostTarget[];
}

/** Which actions a post offers, from its targets' states (as the server allows them). */
export function postActions(post: Post): PostActions {
  const states = post.targets.map((t) => t.state);
  return {
    edit: post.targets.some(isEditable),
    reschedule: post.targets.some(isEditable),
    cancel: states.some((s) => s === "scheduled" || s === "failed" || s === "unconfirmed"),
    stopsRetrying: post.targets.some((t) => t.state === "unconfirmed" || (t.state === "scheduled" && t.attempts > 0)),
    delete: states.length > 0 && states.every((s) => s === "draft"),
    publishNow: states.some((s) => s === "draft" || s === "scheduled"),
    failed: post.targets.filter((t) => t.state === "failed"),
  };
}
