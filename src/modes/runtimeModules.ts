/**
 * The session runtime as leader mode and in-page mode load it on demand: the host and its browser
 * services (the SharedWorker's own modules).
 * @packageDocumentation
 */
export { createSessionHost } from "../../worker/host/host.js";
export { browserHostDeps } from "../../worker/host/browser.js";
export * as sharedWithAttachment from "../attachment.js";
export { openPageChannel } from "../protocol/pageChannel.js";
