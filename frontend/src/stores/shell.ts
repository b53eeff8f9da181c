import { create } from "zustand";

/** UI state of the app shell: the mobile navigation drawer. */
interface ShellState {
  navOpen: boolean;
  setNavOpen: (open: boolean) => void;
}

export const useShellStore = create<ShellState>()((set) => ({
  navOpen: false,
  setNavOpen: (navOpen) => set({ navOpen }),
}));
