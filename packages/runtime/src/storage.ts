/** Object storage: CloudBase cloud storage in the cloud, files under the data dir locally. */
export interface StoredFileInfo {
  fileId: string
  size: number
  /** Owner folder derived from the path (`users/<openid>/...`), or null for shared assets. */
  ownerOpenid: string | null
}

export interface StoragePort {
  /** Stores bytes at `cloudPath` and returns the platform file id (cloud://... or local://...). */
  upload(input: { cloudPath: string; content: Buffer; contentType?: string }): Promise<{ fileId: string }>
  download(fileId: string): Promise<Buffer>
  /** Signed, expiring URLs; `url` is null for a missing file. */
  getTempUrls(fileIds: string[], ttlSeconds?: number): Promise<Array<{ fileId: string; url: string | null }>>
  /**
   * Missing files are not an error; any other file that could not be deleted rejects the call (after the others
   * were tried), so the caller keeps it listed for a retry.
   */
  delete(fileIds: string[]): Promise<void>
  /** Metadata without reading the content, or null when the file does not exist. */
  stat(fileId: string): Promise<StoredFileInfo | null>
}
