import { vi } from "vitest";

/** State behind the next/navigation mock; tests set it and read router calls. */
export const navigation = {
  pathname: "/",
  search: "",
  router: { replace: vi.fn(), push: vi.fn(), back: vi.fn(), refresh: vi.fn(), prefetch: vi.fn(), forward: vi.fn() },
};

export function nextNavigationMock() {
  return {
    useRouter: () => navigation.router,
    usePathname: () => navigation.pathname,
    useSearchParams: () => new URLSearchParams(navigation.search),
  };
}
