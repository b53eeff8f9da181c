import { create } from "zustand";

export type CalendarViewMode = "week" | "month";

/** UI state of the Calendar page: which view, and which day it is centred on (null: today). */
interface CalendarState {
  view: CalendarViewMode;
  /** `YYYY-MM-DD` in the user's zone, or null for today. */
  anchor: string | null;
  setView: (view: CalendarViewMode) => void;
  setAnchor: (anchor: string | null) => void;
}

export const useCalendarStore = create<CalendarState>()((set) => ({
  view: "week",
  anchor: null,
  setView: (view) => set({ view }),
  setAnchor: (anchor) => set({ anchor }),
}));
