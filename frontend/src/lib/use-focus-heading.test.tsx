import { render, waitFor } from "@testing-library/react";
import { useCallback, useState } from "react";
import { describe, expect, it } from "vitest";
import { useFocusHeadingOnNavigation } from "./use-focus-heading";

function Shell({ path, title }: { path: string; title: string | null }) {
  const [main, setMain] = useState<HTMLElement | null>(null);
  const root = useCallback(() => main, [main]);
  useFocusHeadingOnNavigation(path, root);
  return <main ref={setMain}>{title && <h1>{title}</h1>}</main>;
}

describe("useFocusHeadingOnNavigation", () => {
  it("leaves focus alone on the first load, then focuses the new page's heading, even one that renders late", async () => {
    const view = render(<Shell path="/dashboard/" title="Dashboard" />);
    expect(document.activeElement).toBe(document.body);
    view.rerender(<Shell path="/queue/" title={null} />);
    view.rerender(<Shell path="/queue/" title="Queue" />);
    await waitFor(() => expect(document.activeElement?.tagName).toBe("H1"));
    expect(document.activeElement?.textContent).toBe("Queue");
    expect(document.activeElement?.getAttribute("tabindex")).toBe("-1");
  });
});
