/**
 * In-page mode: this tab runs its own session runtime (the same `createSessionHost`) and talks to
 * it over a `MessageChannel`. The last resort; tabs then share only what IndexedDB holds.
 * @packageDocumentation
 */
import { wrapSession } from "../protocol/comlink.js";
import { exposeSession } from "../protocol/expose.js";
import { loadRuntimeModules } from "./loaders.js";
import type { Link } from "./link.js";
import { never } from "./link.js";
import { detectCapabilities } from "./select.js";
import { degradedReason } from "./degraded.js";
import type { PageChannel } from "../protocol/pageChannel.js";

/**
 * Starts a runtime in this page.
 * @param buildId - the runtime's build id (this tab's)
 */
export function openInPageLink(buildId: string): Link {
  const ports = new MessageChannel();
  let closeHost = (): void => {};
  let closed = false;
  let openChannel: ((name: string) => PageChannel) | undefined;
  const ready = loadRuntimeModules().then(({ createSessionHost, browserHostDeps, openPageChannel }) => {
    if (closed) return;
    openChannel = openPageChannel;
    // in-page mode runs where BroadcastChannel may be missing: its channel falls back to the page
    const host = createSessionHost(browserHostDeps({ buildId, channel: openPageChannel }));
    exposeSession(host.connection(), ports.port1);
    closeHost = () => host.close();
  });
  return {
    mode: "in-page",
    degraded: degradedReason("in-page", detectCapabilities()),
    api: wrapSession(ports.port2),
    ready,
    lost: () => never,
    onChange: () => {},
    pageChannel: (name) => openChannel?.(name),
    close() {
      closed = true;
      closeHost();
      ports.port1.close();
      ports.port2.close();
    },
  };
}

// reaches every module the start and the runtime connection need too, so that they share
// their chunks (see laterShared.ts)
export * as sharedWithAttachment from "../attachment.js";
