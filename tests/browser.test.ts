// The browser example works in a real browser: the page is bundled (no Node built-ins),
// served from 127.0.0.1, opened in headless Chromium through puppeteer-core, trains the digits
// MLP in the page on the wasm backend and reports its held-out accuracy.
//
// Chromium comes from the system (`apt-get install -y chromium`, which .ci/run does) or from
// CHROMIUM_PATH. Without one this file says so loudly and its browser test is skipped.
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer from "puppeteer-core";
import { describe, expect, it } from "vitest";
import { buildPage } from "../examples/browser/build.js";
import { servePage } from "../examples/browser/serve.js";

const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
const chromium = candidates.find((p): p is string => p !== undefined && p !== "" && existsSync(p));
if (chromium === undefined) {
  console.warn(
    "\n*** tests/browser.test.ts: NO CHROMIUM FOUND — the headless browser test is SKIPPED. ***\n" +
      "*** Install it (apt-get install -y chromium) or set CHROMIUM_PATH.                     ***\n",
  );
}

describe("the browser example", () => {
  it("bundles with esbuild for the browser, without Node built-ins, and says how big it is", async () => {
    const page = await buildPage(mkdtempSync(join(tmpdir(), "jaxts-page-")));
    expect(page.bytes).toBeGreaterThan(50_000);
    expect(page.bytes).toBeLessThan(2_000_000);
  }, 60_000);

  it.skipIf(chromium === undefined)(
    "trains the digits MLP in headless Chromium to at least 95% held-out accuracy",
    async () => {
      const built = await buildPage(mkdtempSync(join(tmpdir(), "jaxts-page-")));
      const server = await servePage(built.dir);
      const browser = await puppeteer.launch({ executablePath: chromium!, headless: true, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
      try {
        const tab = await browser.newPage();
        const errors: string[] = [];
        tab.on("pageerror", (e) => errors.push(String(e)));
        await tab.goto(server.url);
        await tab.waitForFunction("window.jaxtsResult !== undefined", { timeout: 90_000 });
        const result = (await tab.evaluate("window.jaxtsResult")) as { accuracy: number; backend: string; error?: string };
        const text = (await tab.evaluate('document.getElementById("log").textContent')) as string;
        expect(errors).toEqual([]);
        expect(result.error).toBeUndefined();
        expect(result.backend).toBe("wasm");
        expect(result.accuracy).toBeGreaterThanOrEqual(0.95);
        expect(text).toContain(`Test accuracy: ${(100 * result.accuracy).toFixed(1)}%`);
        expect(await tab.$$eval("#plot svg polyline", (lines) => lines.length)).toBe(3);
      } finally {
        await browser.close();
        await server.close();
      }
    },
    120_000,
  );
});
