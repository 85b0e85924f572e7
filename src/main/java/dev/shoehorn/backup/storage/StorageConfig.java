package dev.shoehorn.backup.storage;

import java.net.URI;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where archives go: any S3-compatible object store. */
@ConfigMapping(prefix = "backup.storage")
public interface StorageConfig {

    /** Endpoint of an S3-compatible store (MinIO, Ceph, S3Proxy); unset means AWS S3 itself. */
    Optional<URI> endpoint();

    /** Signing region. */
    @WithDefault("us-east-1")
    String region();

    /** Bucket holding the archives; it must exist. */
    String bucket();

    /** Key prefix under which {@code <target>/<target>_<YYYYmmdd_HHMMSS>.dump} archives are written. */
    @WithDefault("backups")
    String prefix();

    /** Path-style addressing ({@code http://host/bucket/key}), needed by most self-hosted stores. */
    @WithDefault("false")
    boolean pathStyle();

    /** Access key id; unset means the AWS default credentials chain (instance role, web identity, …). */
    Optional<String> accessKeyId();

    /** Secret access key, from the environment or a secret; never logged. */
    Optional<String> secretAccessKey();

    /**
     * Size of one multipart-upload part and of one in-memory buffer, at least 5M. Grows by itself
     * where the expected archive would need more than 2,500 parts, within {@link #memoryBudget()}.
     */
    @WithDefault("8M")
    MemorySize partSize();

    /**
     * Parts uploaded at the same time per job; memory per job is part-size × (parts-in-flight + 1).
     * pg_dump's compression, not the upload, is the bottleneck (docs/performance.md); raise it for
     * object stores far away.
     */
    @WithDefault("2")
    int partsInFlight();

    /**
     * Most memory the buffers of one upload may take, whatever the database's size: parts never
     * grow beyond memory-budget / (parts-in-flight + 1). As S3 takes at most 10,000 parts, it also
     * sets the largest archive: 96M and 2 parts in flight give 32 MiB parts, 312.5 GiB.
     */
    @WithDefault("96M")
    MemorySize memoryBudget();

    /**
     * Multipart uploads under the prefix older than this are aborted when a worker starts, and a
     * target's by each retention run: what a worker killed mid-upload leaves behind. Must exceed
     * {@code backup.jobs.timeout} (checked at start-up, with retention's ages), so that a running job
     * of another replica is never touched.
     */
    @WithDefault("24h")
    java.time.Duration abandonedUploadAge();

    /** Timeout of one S3 call (a part upload included). */
    @WithDefault("PT5M")
    java.time.Duration callTimeout();

    /**
     * How long one S3 call of an upload (its start, each part, its completion) is tried again
     * while the store answers 5xx, 408, 429 or not at all, waiting 1 s, doubling up to 15 s
     * between tries; a part keeps its buffer meanwhile and pg_dump waits. An outage shorter than
     * this costs the backup only its length. 0 tries once.
     */
    @WithDefault("2m")
    java.time.Duration retryWindow();
}
