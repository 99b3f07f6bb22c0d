import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * Pages are tested in a real Chromium (Debian's package; never a downloaded browser). On a machine without it the
 * tests skip with a visible message; under CI a missing browser is a failure, never a skip.
 */
export const chromiumPath = process.env.CUTOVER_CHROMIUM ?? '/usr/bin/chromium';

export const browserAvailable = ((): boolean => {
  if (existsSync(chromiumPath)) return true;
  if (process.env.CI) throw new Error(`Chromium is required under CI but ${chromiumPath} does not exist`);
  console.warn(
    `\n[cutover tests] no Chromium at ${chromiumPath}: page tests are skipped (apt-get install chromium)\n`,
  );
  return false;
})();

/** Flags that keep Chromium from reaching out to the network this machine does not have. */
export const launchBrowser = (): Promise<Browser> =>
  chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
