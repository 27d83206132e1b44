import { expect, type Page } from '@playwright/test';

/**
 * Elements that stick out past the right edge of the viewport, described for a failure message.
 * Allowed: what is clipped by an ancestor that hides overflow (an ellipsis), and code in a `pre`
 * (which scrolls inside its own box). Anything else means a horizontal scroll or a cut-off control.
 */
export async function overflowingElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const clipped = (element: Element): boolean => {
      for (let parent = element.parentElement; parent; parent = parent.parentElement) {
        const style = getComputedStyle(parent);
        if (style.overflowX === 'hidden' || style.overflowX === 'clip') return parent.getBoundingClientRect().right <= width + 1;
        if (parent.tagName === 'PRE') return true;
      }
      return false;
    };
    const out: string[] = [];
    for (const element of Array.from(document.body.querySelectorAll('*'))) {
      const rect = element.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0 || element.tagName === 'PRE') continue;
      if ((rect.right > width + 1 || rect.left < -1) && !clipped(element)) {
        out.push(`${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''} "${(element.textContent ?? '').trim().slice(0, 40)}" ${Math.round(rect.left)}–${Math.round(rect.right)} of ${width}`);
      }
    }
    if (document.documentElement.scrollWidth > width + 1) out.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
    return out.slice(0, 10);
  });
}

export async function expectNoHorizontalOverflow(page: Page, where: string): Promise<void> {
  expect(await overflowingElements(page), `${where}: elements past the right edge`).toEqual([]);
}

/** Every visible button's box lies within the viewport's width (vertical scrolling is fine). */
export async function expectButtonsInside(page: Page, where: string): Promise<void> {
  const outside = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    return Array.from(document.querySelectorAll('button, [role="button"], a[href]'))
      .filter((element) => {
        const rect = element.getBoundingClientRect();
        return rect.width > 0 && rect.height > 0 && (rect.left < -1 || rect.right > width + 1);
      })
      .map((element) => `${(element.getAttribute('aria-label') ?? element.textContent ?? '').trim().slice(0, 40)}`);
  });
  expect(outside, `${where}: controls outside the viewport`).toEqual([]);
}

export const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 800, height: 600 },
] as const;

/**
 * The Parameters panel starts closed on a first run and then stays as the user left it (kept in
 * localStorage). Specs written for it open call this before the page loads.
 */
export async function startWithParametersOpen(page: Page): Promise<void> {
  await page.addInitScript(() => window.localStorage.setItem('hearth.chat.paramsOpen', 'true'));
}

/** Opens the chat's Parameters panel when it is closed. */
export async function openParameters(page: Page): Promise<void> {
  if (!(await page.getByRole('complementary', { name: 'Parameters' }).isVisible())) await page.getByRole('button', { name: 'Parameters' }).click();
}
