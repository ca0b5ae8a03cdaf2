// The S3 operations anchors need, on @aws-sdk/client-s3 (any S3-compatible store with Object Lock).
// Credentials come from the standard AWS provider chain unless given explicitly.
import {
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { Config } from '../../config/types.js';

export type AnchorConfig = NonNullable<Config['audit']['anchor']>;

export interface PutOptions {
  readonly retainUntil: Date;
  /** Base64 SHA-256 of the body. */
  readonly checksumSha256: string;
  readonly kmsKeyId: string | null;
}

export interface ObjectInfo {
  readonly checksumSha256: string | null;
  readonly lockMode: string | null;
  readonly retainUntil: Date | null;
  readonly lastModified: Date | null;
}

export interface AnchorBucket {
  readonly name: string;
  objectLockEnabled(): Promise<boolean>;
  /** Creates the object; `exists` when If-None-Match failed (412). */
  put(key: string, body: Buffer, options: PutOptions): Promise<'created' | 'exists'>;
  head(key: string): Promise<ObjectInfo | null>;
  get(key: string): Promise<Buffer>;
  /** Every key under `prefix`, all pages. */
  list(prefix: string): AsyncIterable<string>;
}

export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

const statusOf = (err: unknown): number | undefined =>
  err instanceof S3ServiceException ? err.$metadata.httpStatusCode : undefined;

export function createAnchorBucket(
  config: AnchorConfig,
  credentials?: S3Credentials,
): AnchorBucket {
  const client = new S3Client({
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    ...(config.endpoint ? { endpoint: config.endpoint.href } : {}),
    ...(credentials ? { credentials } : {}),
  });
  const Bucket = config.bucket;
  return {
    name: Bucket,
    async objectLockEnabled() {
      try {
        const out = await client.send(new GetObjectLockConfigurationCommand({ Bucket }));
        return out.ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled';
      } catch (err) {
        if (statusOf(err) === 404) return false;
        throw err;
      }
    },
    async put(key, body, options) {
      try {
        await client.send(
          new PutObjectCommand({
            Bucket,
            Key: key,
            Body: body,
            IfNoneMatch: '*',
            ObjectLockMode: 'COMPLIANCE',
            ObjectLockRetainUntilDate: options.retainUntil,
            ChecksumAlgorithm: 'SHA256',
            ChecksumSHA256: options.checksumSha256,
            ContentType: 'application/json',
            ...(options.kmsKeyId
              ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: options.kmsKeyId }
              : {}),
          }),
        );
        return 'created';
      } catch (err) {
        if (statusOf(err) === 412) return 'exists';
        throw err;
      }
    },
    async head(key) {
      try {
        const out = await client.send(
          new HeadObjectCommand({ Bucket, Key: key, ChecksumMode: 'ENABLED' }),
        );
        return {
          checksumSha256: out.ChecksumSHA256 ?? null,
          lockMode: out.ObjectLockMode ?? null,
          retainUntil: out.ObjectLockRetainUntilDate ?? null,
          lastModified: out.LastModified ?? null,
        };
      } catch (err) {
        if (statusOf(err) === 404) return null;
        throw err;
      }
    },
    async get(key) {
      const out = await client.send(new GetObjectCommand({ Bucket, Key: key }));
      return Buffer.from((await out.Body?.transformToByteArray()) ?? new Uint8Array());
    },
    async *list(prefix) {
      let token: string | undefined;
      do {
        const out = await client.send(
          new ListObjectsV2Command({ Bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const o of out.Contents ?? []) if (o.Key) yield o.Key;
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
      } while (token !== undefined);
    },
  };
}
