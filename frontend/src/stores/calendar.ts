import { create } from "zustand";

export type CalendarViewMode = "week" | "month" | "list";

/** UI state of the Calendar page: which view, and which day it is centred on (null: today). */
interface CalendarState {
  view: CalendarViewMode;
  /** True once the user picked a view (then a narrow screen no longer switches to the list). */
  chosen: boolean;
  /** `YYYY-MM-DD` in the user's zone, or null for today. */
  anchor: string | null;
  setView: (view: CalendarViewMode, chosen?: boolean) => void;
  setAnchor: (anchor: string | null) => void;
}

export const useCalendarStore = create<CalendarState>()((set) => ({
  view: "week",
  chosen: false,
  anchor: null,
  setView: (view, chosen = true) => set((s) => ({ view, chosen: s.chosen || chosen })),
  setAnchor: (anchor) => set({ anchor }),
}));
