// The engine API's answers as Layerscope reads them (the fields we use; Docker and Podman).

export interface EngineVersion {
  Version: string
  ApiVersion: string
  Os: string
  Arch: string
  Components?: { Name?: string; Version?: string }[]
}

/** One row of GET /images/json. */
export interface EngineImageEntry {
  Id: string
  ParentId?: string
  RepoTags?: string[] | null
  RepoDigests?: string[] | null
  /** Unix seconds. */
  Created: number
  Size?: number
  Labels?: Record<string, string> | null
}

/** GET /images/{ref}/json. */
export interface EngineImageInspect {
  Id: string
  Parent?: string
  RepoTags?: string[] | null
  RepoDigests?: string[] | null
  Size: number
  Created?: string
  Os?: string
  Architecture?: string
  Variant?: string
  RootFS?: { Type?: string; Layers?: string[] }
  Config?: { Labels?: Record<string, string> | null; [k: string]: unknown } | null
}

/** One row of GET /images/{ref}/history (newest first). */
export interface EngineHistoryEntry {
  Id?: string
  Created?: number
  CreatedBy?: string
  Comment?: string
  Size?: number
  Tags?: string[] | null
}

/** The /build query (what `docker build` sends). */
export interface BuildQuery {
  dockerfile?: string
  target?: string
  t?: string
  labels?: Record<string, string>
  buildargs?: Record<string, string>
  networkmode?: string
  rm?: boolean
  forcerm?: boolean
  nocache?: boolean
  pull?: boolean
  /** '2' asks for BuildKit. */
  version?: '1' | '2'
  /** BuildKit: an id /build/cancel can name. */
  buildid?: string
}

/** One JSON message of a /build answer. */
export interface BuildMessage {
  id?: string
  stream?: string
  status?: string
  error?: string
  errorDetail?: { message?: string }
  /** { ID } for the image; a base64 StatusResponse for id "moby.buildkit.trace". */
  aux?: { ID?: string } | string
}

/** One message of GET /events. */
export interface EngineEvent {
  /** Old-style fields: the object's id and, for containers, the image it was created from. */
  id?: string
  from?: string
  status?: string
  Type?: string
  Action?: string
  Actor?: { ID?: string; Attributes?: Record<string, string> }
  time?: number
  timeNano?: number
}

export interface RemoveResult {
  id: string
  removed: boolean
  statusCode?: number
  message?: string
}
