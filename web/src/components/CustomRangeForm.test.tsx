import { beforeAll, describe, expect, it, vi } from "vitest";
import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { CustomRangeForm } from "./CustomRangeForm";
import { TimeRangePicker } from "./Toolbar";

const NOW = new Date(2026, 10, 30, 14, 0).getTime();
const at = (h: number, m: number) => new Date(2026, 10, 30, h, m).getTime();

function form(initial = { from: "now-1h", to: "now" }) {
  const onApply = vi.fn();
  const onCancel = vi.fn();
  render(<CustomRangeForm initial={initial} onApply={onApply} onCancel={onCancel} now={() => NOW} />);
  return { onApply, onCancel, from: screen.getByLabelText("From") as HTMLInputElement, to: screen.getByLabelText("To") as HTMLInputElement };
}

describe("CustomRangeForm", () => {
  it("starts from the URL's range, absolute times written as local dates", () => {
    const { from, to } = form({ from: String(at(10, 0)), to: String(at(12, 30)) });
    expect(from.value).toBe("2026-11-30 10:00");
    expect(to.value).toBe("2026-11-30 12:30");
  });

  it("applies on Enter, as epoch milliseconds", () => {
    const { onApply, from, to } = form();
    fireEvent.change(from, { target: { value: "2026-11-30 10:00" } });
    fireEvent.change(to, { target: { value: "2026-11-30 12:30" } });
    fireEvent.submit(to.form!);
    expect(onApply).toHaveBeenCalledWith({ from: String(at(10, 0)), to: String(at(12, 30)) });
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("keeps a relative range relative", () => {
    const { onApply, from } = form();
    fireEvent.change(from, { target: { value: "now-6h" } });
    fireEvent.click(screen.getByRole("button", { name: "Apply" }));
    expect(onApply).toHaveBeenCalledWith({ from: "now-6h", to: "now" });
  });

  it("says what is wrong inline, marks the field and moves focus to it", () => {
    const { onApply, from, to } = form();
    fireEvent.change(to, { target: { value: "tomorrow" } });
    fireEvent.click(screen.getByRole("button", { name: "Apply" }));
    expect(onApply).not.toHaveBeenCalled();
    expect(screen.getByRole("alert").textContent).toMatch(/^To: "tomorrow": not a time \(use YYYY-MM-DD HH:MM/);
    expect(to.getAttribute("aria-invalid")).toBe("true");
    expect(from.getAttribute("aria-invalid")).toBe("false");
    expect(document.activeElement).toBe(to);
    expect(to.getAttribute("aria-describedby")).toContain(screen.getByRole("alert").id);

    fireEvent.change(from, { target: { value: "2026-11-30 12:00" } });
    fireEvent.change(to, { target: { value: "2026-11-30 11:00" } });
    fireEvent.click(screen.getByRole("button", { name: "Apply" }));
    expect(screen.getByRole("alert").textContent).toBe("From must be before To");
    expect(from.getAttribute("aria-invalid")).toBe("true");
    expect(document.activeElement).toBe(from);
  });

  it("cancels on Escape and on Cancel", () => {
    const { onCancel, from } = form();
    fireEvent.keyDown(from, { key: "Escape" });
    expect(onCancel).toHaveBeenCalledTimes(1);
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(onCancel).toHaveBeenCalledTimes(2);
  });
});

describe("TimeRangePicker", () => {
  beforeAll(() => {
    // What Radix Select calls and jsdom lacks.
    Element.prototype.scrollIntoView ??= () => undefined;
    Element.prototype.hasPointerCapture ??= () => false;
    Element.prototype.releasePointerCapture ??= () => undefined;
  });

  it("shows the times of an absolute range instead of 'Custom range'", () => {
    window.history.replaceState(null, "", `/?from=${at(10, 0)}&to=${at(12, 30)}`);
    render(<TimeRangePicker />);
    expect(screen.getByTestId("range-picker").textContent).toMatch(/Range:Nov 30 10:00 – 12:30/);
  });

  it("opens the form from 'Custom range…' and applies through the URL like a drag-zoom", async () => {
    window.history.replaceState(null, "", "/nodes?from=now-6h&refresh=30s");
    render(<TimeRangePicker />);
    const trigger = screen.getByTestId("range-picker");
    expect(trigger.textContent).toMatch(/Last 6 hours/);
    act(() => {
      trigger.focus();
      fireEvent.keyDown(trigger, { key: "Enter" });
    });
    const item = await screen.findByRole("option", { name: "Custom range…" });
    act(() => {
      fireEvent.keyDown(item, { key: "Enter" });
    });
    const from = (await screen.findByLabelText("From")) as HTMLInputElement;
    await waitFor(() => expect(document.activeElement).toBe(from));
    expect(from.value).toBe("now-6h");
    const yesterday = new Date(Date.now() - 86_400_000);
    yesterday.setHours(10, 0, 0, 0);
    const p = (n: number) => String(n).padStart(2, "0");
    const day = `${yesterday.getFullYear()}-${p(yesterday.getMonth() + 1)}-${p(yesterday.getDate())}`;
    fireEvent.change(from, { target: { value: `${day} 10:00` } });
    fireEvent.change(screen.getByLabelText("To"), { target: { value: `${day} 12:30` } });
    act(() => {
      fireEvent.submit(from.form!);
    });
    const q = new URLSearchParams(window.location.search);
    expect(window.location.pathname).toBe("/nodes");
    expect(q.get("from")).toBe(String(yesterday.getTime()));
    expect(q.get("to")).toBe(String(yesterday.getTime() + 2.5 * 3_600_000));
    expect(q.get("refresh")).toBe("30s");
    await waitFor(() => expect(screen.queryByTestId("custom-range-form")).toBeNull());
    expect(trigger.textContent).toMatch(/10:00 – 12:30/);
    await waitFor(() => expect(document.activeElement).toBe(trigger));
  });

  it("closes the form on Escape without changing the range", async () => {
    window.history.replaceState(null, "", "/?from=now-3h");
    render(<TimeRangePicker />);
    const trigger = screen.getByTestId("range-picker");
    act(() => {
      trigger.focus();
      fireEvent.keyDown(trigger, { key: "Enter" });
    });
    act(() => {
      fireEvent.keyDown(screen.getByRole("option", { name: "Custom range…" }), { key: "Enter" });
    });
    const from = await screen.findByLabelText("From");
    fireEvent.keyDown(from, { key: "Escape" });
    await waitFor(() => expect(screen.queryByTestId("custom-range-form")).toBeNull());
    expect(window.location.search).toBe("?from=now-3h");
    await waitFor(() => expect(document.activeElement).toBe(trigger));
  });
});
