/**
 * `context.app` of functions: the app's metadata in App Services' shape.
 * @packageDocumentation
 */

/** `context.app`. */
export interface AppMetadata {
  /** The app's internal id (`app_id` of `.mdb/meta.json`), else its client app id. */
  id: string;
  /** The client app id the SDKs use. */
  clientAppId: string;
  name: string;
  /** The Atlas project (`group_id` of `.mdb/meta.json`), or `""`. */
  projectId: string;
  /** `deployment_model` and `provider_region` of the root config (`LOCAL`, `""` when absent). */
  deployment: { model: string; providerRegion: string };
  /** When this server started running the app (ISO). */
  lastDeployed: string;
  /** Static hosting is not served: `""`. */
  hostingUri: string;
}

/** What an exported app says of itself (see `LoadedApp.metadata`). */
export type AppMetadataInput = Pick<AppMetadata, "id" | "name" | "projectId" | "deployment">;

/**
 * The metadata functions see.
 * @param clientAppId - the app id clients use (the server's `appId`)
 * @param input - what the app directory says, or undefined without one
 * @param started - the server's start
 */
export function appMetadata(clientAppId: string, input: AppMetadataInput | undefined, started: Date): AppMetadata {
  return {
    id: input?.id ?? clientAppId,
    clientAppId,
    name: input?.name ?? clientAppId,
    projectId: input?.projectId ?? "",
    deployment: input?.deployment ?? { model: "LOCAL", providerRegion: "" },
    lastDeployed: started.toISOString(),
    hostingUri: "",
  };
}
