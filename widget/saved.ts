/** The tab's sessionStorage key under which a page leaves the widget's state to the next (one per API). */
export const savedKey = (api: string) => `ipp-chat:${new URL(api, location.href).href}`;

/** Whether the previous page of this tab left the panel open: read by the launcher, before the session has loaded. */
export function leftOpen(api: string): boolean {
  try {
    return (JSON.parse(sessionStorage.getItem(savedKey(api)) ?? 'null') as { open?: boolean } | null)?.open === true;
  } catch {
    return false;
  }
}
