package dev.shoehorn.backup.storage;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * A worker killed with SIGKILL cannot abort its multipart upload, and the parts keep costing
 * storage. At start-up every worker aborts the uploads under the archive prefix that are older
 * than {@code backup.storage.abandoned-upload-age}; none of them can still complete.
 */
@ApplicationScoped
public class AbandonedUploads {

    private static final Logger LOG = Logger.getLogger(AbandonedUploads.class);

    private final S3Client s3;
    private final StorageConfig config;

    public AbandonedUploads(S3Client s3, StorageConfig config) {
        this.s3 = s3;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        Thread scan = new Thread(this::abortAbandoned, "abandoned-uploads");
        scan.setDaemon(true);
        scan.start();
    }

    /** Returns how many uploads were aborted. */
    public int abortAbandoned() {
        Instant cutoff = Instant.now().minus(config.abandonedUploadAge());
        int aborted = 0;
        try {
            for (MultipartUpload upload : s3.listMultipartUploadsPaginator(b -> b.bucket(config.bucket())
                    .prefix(new ArchiveKeys(config.prefix()).root())).uploads()) {
                if (upload.initiated() != null && upload.initiated().isBefore(cutoff)) {
                    s3.abortMultipartUpload(b -> b.bucket(config.bucket()).key(upload.key()).uploadId(upload.uploadId()));
                    LOG.infof("stage=abandoned-upload-aborted key=%s initiated=%s", upload.key(), upload.initiated());
                    aborted++;
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("stage=abandoned-upload-scan-failed msg=\"%s\"", e.getMessage());
        }
        return aborted;
    }
}
