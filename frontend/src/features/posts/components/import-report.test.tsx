import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { renderWithClient } from "@/test/render";
import { makeImportReport } from "../test-data";
import { ImportDialog } from "./import-dialog";
import { ImportReport } from "./import-report";

const importCsv = vi.fn();
vi.mock("../api/csv", () => ({ useImportCsv: () => importCsv }));
vi.mock("react-hot-toast", () => ({ default: Object.assign(vi.fn(), { success: vi.fn(), error: vi.fn() }) }));

describe("ImportReport", () => {
  it("names each failed row with its column, code and message", () => {
    renderWithClient(<ImportReport result={makeImportReport()} dryRun={false} />);
    expect(screen.getByTestId("import-summary").textContent).toBe("200 rows checked: 197 OK, 3 with errors. Nothing was imported.");
    const rows = screen.getAllByTestId("import-failed-row");
    expect(rows.map((r) => r.dataset.row)).toEqual(["5", "17", "42"]);
    const cells = (row: HTMLElement) => within(row).getAllByRole("cell").map((c) => c.textContent);
    expect(within(rows[0]!).getByRole("rowheader").textContent).toBe("5");
    expect(cells(rows[0]!)).toEqual(["channel", "unknown_channel", "no channel named nobody.example"]);
    expect(cells(rows[1]!)).toEqual(["scheduled_at", "invalid_time", '"next tuesday" is not a time']);
    expect(cells(rows[2]!)).toEqual(["text", "empty_text", "the text is empty"]);
    expect(screen.getAllByRole("columnheader").map((h) => h.textContent)).toEqual(["Row", "Column", "Code", "Problem"]);
  });

  it("says what was imported and lists DST notes", () => {
    const report = makeImportReport({ committed: true, posts_created: 197 });
    report.rows[0] = { ...report.rows[0]!, note: "02:30 does not exist; moved to 03:30 CEST" };
    renderWithClient(<ImportReport result={report} dryRun={false} />);
    expect(screen.getByTestId("import-summary").textContent).toContain("Imported 197 posts.");
    expect(screen.getByText("Row 2: 02:30 does not exist; moved to 03:30 CEST")).toBeTruthy();
  });

  it("says a validation imported nothing", () => {
    renderWithClient(<ImportReport result={makeImportReport({ rows_failed: 0, rows_ok: 200, rows: [] })} dryRun />);
    expect(screen.getByTestId("import-summary").textContent).toContain("Validation only: nothing was imported.");
    expect(screen.queryByTestId("import-failed-rows")).toBeNull();
  });
});

// Typing and dialogs are slow in jsdom on a busy 2-core machine.
describe("ImportDialog", { timeout: 30_000 }, () => {
  beforeEach(() => importCsv.mockReset());

  it("shows the format, uploads with progress, then offers to import the valid rows", async () => {
    let finish: (value: unknown) => void = () => undefined;
    importCsv.mockImplementationOnce((_file: Blob, options: { onProgress: (f: number) => void }) => {
      options.onProgress(0.4);
      return new Promise((resolve) => {
        finish = resolve;
      });
    });
    const user = userEvent.setup();
    renderWithClient(<ImportDialog open onClose={vi.fn()} />);
    const dialog = screen.getByRole("dialog", { name: "Import posts from CSV" });
    expect(within(dialog).getByTestId("csv-columns").textContent).toContain("scheduled_at");
    expect(within(dialog).getByTestId("csv-columns").textContent).toContain("thread_order");

    const file = new File(["channel,text,scheduled_at\n"], "posts.csv", { type: "text/csv" });
    await user.upload(screen.getByLabelText("CSV file"), file);
    await user.click(screen.getByRole("button", { name: "Import file" }));
    const progress = await screen.findByRole("progressbar", { name: "Upload progress" });
    expect(progress.getAttribute("value")).toBe("40");
    expect(importCsv).toHaveBeenCalledWith(file, expect.objectContaining({ dryRun: false, skipInvalid: false }));

    finish(makeImportReport());
    await screen.findByTestId("import-report");
    expect(screen.getAllByTestId("import-failed-row")).toHaveLength(3);

    importCsv.mockResolvedValueOnce(makeImportReport({ committed: true, posts_created: 197, rows_failed: 3 }));
    await user.click(screen.getByRole("button", { name: "Import the 197 valid rows" }));
    await waitFor(() => expect(screen.getByTestId("import-summary").textContent).toContain("Imported 197 posts."));
    expect(importCsv).toHaveBeenLastCalledWith(file, expect.objectContaining({ dryRun: false, skipInvalid: true }));
    expect(screen.queryByRole("button", { name: /valid rows/ })).toBeNull();
  });

  it("validates only when asked, then offers the real import", async () => {
    importCsv.mockResolvedValueOnce(makeImportReport({ rows_ok: 200, rows_failed: 0, rows: [] }));
    const user = userEvent.setup();
    renderWithClient(<ImportDialog open onClose={vi.fn()} />);
    await user.upload(screen.getByLabelText("CSV file"), new File(["x"], "a.csv", { type: "text/csv" }));
    await user.click(screen.getByLabelText(/Validate only/));
    await user.click(screen.getByRole("button", { name: "Validate file" }));
    await screen.findByTestId("import-report");
    expect(importCsv).toHaveBeenCalledWith(expect.any(File), expect.objectContaining({ dryRun: true }));
    expect(screen.getByRole("button", { name: "Import 200 rows" })).toBeTruthy();
  });

  it("asks for a file first", async () => {
    const user = userEvent.setup();
    renderWithClient(<ImportDialog open onClose={vi.fn()} />);
    await user.click(screen.getByRole("button", { name: "Import file" }));
    expect(screen.getByTestId("import-error").textContent).toBe("Choose a CSV file first.");
    expect(importCsv).not.toHaveBeenCalled();
  });
});
